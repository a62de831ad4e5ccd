//! What a save and a send cost on disk: a collection save (lock, reload, merge, fsync,
//! rename) as the collection grows, and one history record (append + fsync) with a full
//! retention window behind it, which must not grow with the history.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use xsign::store::{CollectionStore, History, HistoryEntry, Request, ResponseRecord};

fn entry(i: usize) -> HistoryEntry {
    let body = format!("{{\r\n\t\"name\": \"ACME {i}\"\r\n}}\n").into_bytes();
    let mut e = HistoryEntry::new(
        "demo",
        "POST",
        "http://127.0.0.1:1/api/v1/p/company",
        body.clone(),
    );
    e.request_headers = vec![("x-api-key".into(), "bench-api-key-0123456789".into())];
    e.response = Some(ResponseRecord::capture(200, vec![], &vec![b'x'; 2048]));
    e
}

fn collection_save(c: &mut Criterion) {
    for size in [10usize, 200] {
        let dir = tempfile::tempdir().unwrap();
        let store = CollectionStore::new(dir.path());
        for i in 0..size {
            let r = Request::new(format!("r{i}"), "POST", "/company").with_body(vec![b'{'; 1024]);
            store.save_request("bench", &r).unwrap();
        }
        let r = Request::new("edited", "POST", "/company").with_body(b"{\t\"a\":1}\r\n".to_vec());
        c.bench_function(
            &format!("collection save ({size} requests of 1 KiB)"),
            |b| b.iter(|| store.save_request("bench", black_box(&r)).unwrap()),
        );
    }
}

fn history_record(c: &mut Criterion) {
    for kept in [100usize, 1000] {
        let dir = tempfile::tempdir().unwrap();
        let h = History::new(dir.path(), 1000);
        for i in 0..kept {
            h.record(entry(i)).unwrap();
        }
        c.bench_function(&format!("history record ({kept} kept)"), |b| {
            b.iter_batched(|| entry(7), |e| h.record(e).unwrap(), BatchSize::SmallInput)
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path(), 1000);
    for i in 0..1000 {
        h.record(entry(i)).unwrap();
    }
    c.bench_function("history recent(20) of 1000", |b| {
        b.iter(|| black_box(h.recent(20).unwrap()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = collection_save, history_record
}
criterion_main!(benches);
