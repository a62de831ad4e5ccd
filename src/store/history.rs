//! History of sent requests: append-only JSON lines in segments under `data_dir()/history`.
//!
//! A send appends one line to the newest segment (no rewrite). When it is full a new
//! segment starts and the oldest ones are deleted once the rest still hold `retention`
//! entries. Ids are consecutive across segments, so a segment's size is the next one's
//! first id minus its own, and the last id is read from the head of the last line.

use super::StoreError;
pub use super::history_entry::*;
use super::lock::FileLock;
use crate::atomic_file::ensure_private_dir;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `2026-05-01 12:34:56Z` (UTC) for a Unix time in milliseconds.
pub fn format_time(ms: i64) -> String {
    crate::time::UtcTime::from_unix(ms.div_euclid(1000)).iso(' ')
}

/// Entries whose profile, method, URL, status or source contain every word of `query`.
pub fn filter<'a>(entries: &'a [HistoryEntry], query: &str) -> Vec<&'a HistoryEntry> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    entries
        .iter()
        .filter(|e| {
            let hay = format!(
                "{} {} {} {} {} {}",
                e.id,
                e.profile,
                e.method,
                e.url,
                e.status().map(|s| s.to_string()).unwrap_or_default(),
                e.source.as_deref().unwrap_or("")
            )
            .to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}

/// The history directory and its retention.
#[derive(Debug, Clone)]
pub struct History {
    dir: PathBuf,
    retention: usize,
}

impl History {
    /// `data_dir()/history`, with the retention from the config file (default 1,000).
    pub fn open_default() -> Self {
        let retention = super::ConfigStore::open_default()
            .load()
            .map(|l| l.value.history.retention)
            .unwrap_or(super::config::DEFAULT_HISTORY_RETENTION);
        History::new(crate::paths::data_dir().join("history"), retention)
    }

    pub fn new(dir: impl Into<PathBuf>, retention: usize) -> Self {
        History {
            dir: dir.into(),
            retention: retention.max(1),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn retention(&self) -> usize {
        self.retention
    }

    /// Entries per segment: a tenth of the retention, so at most ~10% more than the
    /// retention sits on disk.
    fn segment_size(&self) -> u64 {
        (self.retention as u64 / 10).clamp(1, 10_000)
    }

    /// Appends `entry` with the next id (the API key masked) and returns it as stored.
    pub fn record(&self, mut entry: HistoryEntry) -> Result<HistoryEntry, StoreError> {
        entry.scrub();
        entry.cap_body();
        ensure_private_dir(&self.dir)
            .map_err(|e| StoreError::io("create the directory", &self.dir, e))?;
        let _lock = FileLock::acquire(&self.dir.join(".history.lock"))?;
        let segments = self.segments()?;
        let last = match segments.last() {
            Some(&first) => last_id(&self.segment_path(first))?.unwrap_or(first.saturating_sub(1)),
            None => 0,
        };
        entry.id = last + 1;
        let first = match segments.last() {
            Some(&first) if entry.id - first < self.segment_size() => first,
            _ => entry.id,
        };
        let path = self.segment_path(first);
        let mut line = serde_json::to_vec(&entry).map_err(|source| StoreError::Encode {
            path: path.clone(),
            source,
        })?;
        line.push(b'\n');
        append(&path, &line).map_err(|e| StoreError::io("append to", &path, e))?;
        if first == entry.id {
            self.prune(entry.id)?;
        }
        Ok(entry)
    }

    /// Deletes the oldest segments while the newer ones still hold `retention` entries.
    fn prune(&self, last: u64) -> Result<(), StoreError> {
        let segments = self.segments()?;
        for pair in segments.windows(2) {
            let next_first = pair[1];
            if last + 1 - next_first >= self.retention as u64 {
                let path = self.segment_path(pair[0]);
                std::fs::remove_file(&path).map_err(|e| StoreError::io("prune", &path, e))?;
            } else {
                break;
            }
        }
        Ok(())
    }

    /// First ids of the segments, oldest first.
    fn segments(&self) -> Result<Vec<u64>, StoreError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io("list", &self.dir, e)),
            Ok(e) => e,
        };
        let mut firsts: Vec<u64> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".jsonl")?
                    .parse::<u64>()
                    .ok()
            })
            .collect();
        firsts.sort_unstable();
        Ok(firsts)
    }

    fn segment_path(&self, first: u64) -> PathBuf {
        self.dir.join(format!("{first:020}.jsonl"))
    }

    /// The newest `limit` entries (within the retention), newest first. A line that does
    /// not parse (a send killed mid-write) is skipped. Each segment is read from its end,
    /// in a window that doubles until it holds `limit` whole entries, so `history --limit 5`
    /// reads and decodes about five entries, not the segment.
    pub fn recent(&self, limit: usize) -> Result<Vec<HistoryEntry>, StoreError> {
        let limit = limit.min(self.retention);
        let mut out = Vec::new();
        for first in self.segments()?.into_iter().rev() {
            if out.len() == limit {
                break;
            }
            let path = self.segment_path(first);
            let want = limit - out.len();
            match newest_entries(&path, want) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io("read", &path, e)),
                Ok(found) => out.extend(found),
            }
        }
        Ok(out)
    }

    /// The entry with `id`, if it is still kept. The segment is read a line at a time and
    /// only the line with that id is decoded.
    pub fn get(&self, id: u64) -> Result<Option<HistoryEntry>, StoreError> {
        let Some(first) = self.segments()?.into_iter().rev().find(|&f| f <= id) else {
            return Ok(None);
        };
        let path = self.segment_path(first);
        let io = |e| StoreError::io("read", &path, e);
        let f = match File::open(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            other => other.map_err(io)?,
        };
        let mut reader = std::io::BufReader::new(f);
        let mut line = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
                return Ok(None);
            }
            if parse_id_head(&line) == Some(id)
                && let Ok(entry) = serde_json::from_slice::<HistoryEntry>(&line)
            {
                return Ok(Some(entry));
            }
        }
    }
}

/// Up to `want` entries from the end of a segment, newest first: reads the last 256 KiB,
/// then 1 MiB, … until `want` lines parse or the whole file was read.
fn newest_entries(path: &Path, want: usize) -> std::io::Result<Vec<HistoryEntry>> {
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let mut window: u64 = 256 * 1024;
    loop {
        let start = len.saturating_sub(window);
        f.seek(SeekFrom::Start(start))?;
        let mut bytes = Vec::with_capacity((len - start) as usize);
        (&mut f).take(len - start).read_to_end(&mut bytes)?;
        // Past the file's start, the first line may be cut: it begins after a newline.
        let whole = if start == 0 {
            &bytes[..]
        } else {
            match bytes.iter().position(|&b| b == b'\n') {
                Some(i) => &bytes[i + 1..],
                None => &[][..],
            }
        };
        let found: Vec<HistoryEntry> = whole
            .rsplit(|&b| b == b'\n')
            .filter_map(|line| serde_json::from_slice::<HistoryEntry>(line).ok())
            .take(want)
            .collect();
        if found.len() == want || start == 0 {
            return Ok(found);
        }
        window = window.saturating_mul(4);
    }
}

/// Appends one line; if a killed writer left a torn line without its newline, ends that
/// line first so the new entry stays whole.
fn append(path: &Path, line: &[u8]) -> std::io::Result<()> {
    let mut opts = OpenOptions::new();
    opts.read(true).append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    let len = f.metadata()?.len();
    let mut buf = Vec::with_capacity(line.len() + 1);
    if len > 0 {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::Start(len - 1))?;
        f.read_exact(&mut last)?;
        if last[0] != b'\n' {
            buf.push(b'\n');
        }
    }
    buf.extend_from_slice(line);
    if let Err(e) = f.write_all(&buf).and_then(|()| f.sync_data()) {
        // A full disk may have taken part of the line: cut the file back to where it was,
        // so no torn line is left and "nothing was changed" stays true.
        let _ = f.set_len(len);
        return Err(e);
    }
    Ok(())
}

/// The id of the last line of a segment that starts with a whole id, reading backwards in
/// chunks so a large last entry is not loaded whole. A torn line (a writer killed or a full
/// disk mid-append, e.g. `{"id`) is skipped: the ids must not restart below it.
fn last_id(path: &Path) -> Result<Option<u64>, StoreError> {
    let io = |e| StoreError::io("read", path, e);
    let mut f = match File::open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        other => other.map_err(io)?,
    };
    let len = f.metadata().map_err(io)?.len();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut pos = len;
    // Every line starts after a newline or at the file's start; try them newest first.
    while pos > 0 {
        let n = (pos as usize).min(chunk.len());
        pos -= n as u64;
        f.seek(SeekFrom::Start(pos)).map_err(io)?;
        f.read_exact(&mut chunk[..n]).map_err(io)?;
        for i in (0..n).rev() {
            if chunk[i] == b'\n'
                && let Some(id) = id_at(&mut f, pos + i as u64 + 1, len).map_err(io)?
            {
                return Ok(Some(id));
            }
        }
    }
    id_at(&mut f, 0, len).map_err(io)
}

/// The id at the head of the line starting at `start`, if it holds a whole one.
fn id_at(f: &mut File, start: u64, len: u64) -> std::io::Result<Option<u64>> {
    if start >= len {
        return Ok(None);
    }
    let mut head = vec![0u8; (len - start).min(40) as usize];
    f.seek(SeekFrom::Start(start))?;
    f.read_exact(&mut head)?;
    Ok(parse_id_head(&head))
}

/// `{"id":123,...` → 123; `{"id":12` (cut, maybe from 123) → None.
fn parse_id_head(head: &[u8]) -> Option<u64> {
    let rest = head.strip_prefix(br#"{"id":"#)?;
    let digits: Vec<u8> = rest
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    if rest.get(digits.len()) != Some(&b',') {
        return None;
    }
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_format() {
        assert_eq!(format_time(0), "1970-01-01 00:00:00Z");
        assert_eq!(format_time(1_709_251_199_000), "2024-02-29 23:59:59Z");
        assert_eq!(format_time(951_782_400_000), "2000-02-29 00:00:00Z");
    }

    #[test]
    fn id_head() {
        assert_eq!(parse_id_head(br#"{"id":42,"sent"#), Some(42));
        assert_eq!(parse_id_head(b"garbage"), None);
        assert_eq!(parse_id_head(br#"{"id":12"#), None, "cut: maybe 123");
        assert_eq!(parse_id_head(br#"{"id"#), None);
    }

    #[test]
    fn response_is_capped() {
        let big = vec![b'a'; RESPONSE_BODY_CAP + 10];
        let r = ResponseRecord::capture(200, vec![], &big);
        assert_eq!(r.body.len(), RESPONSE_BODY_CAP);
        assert!(r.truncated);
        assert_eq!(r.body_len, big.len() as u64);
    }

    /// Entries larger than the first read window (each ~120 KiB on disk) and a torn line
    /// in the middle: the newest are found by widening the window, `get` finds each id.
    #[test]
    fn recent_and_get_read_from_the_end_past_big_entries_and_torn_lines() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::new(dir.path().join("h"), 1000);
        for i in 0..12u8 {
            let mut e = HistoryEntry::new(
                "p",
                "POST",
                format!("https://x/{i}"),
                vec![b'a' + i; 60_000],
            );
            e.response = Some(ResponseRecord::capture(200, vec![], &vec![b'z'; 60_000]));
            h.record(e).unwrap();
            if i == 5 {
                let seg = h.segment_path(1);
                let mut f = OpenOptions::new().append(true).open(seg).unwrap();
                f.write_all(b"{\"id\":7").unwrap();
            }
        }
        let ids = |v: Vec<HistoryEntry>| v.iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(h.recent(3).unwrap()), [12, 11, 10]);
        assert_eq!(
            ids(h.recent(100).unwrap()),
            (1..=12).rev().collect::<Vec<_>>()
        );
        for id in 1..=12u64 {
            let e = h.get(id).unwrap().unwrap();
            assert_eq!(e.url, format!("https://x/{}", id - 1));
            assert_eq!(e.body[0], b'a' + (id - 1) as u8);
        }
        assert!(h.get(13).unwrap().is_none());
    }
}
