//! `xsign token show|clear`: the Qredo API v2 token xsign caches per profile and API key
//! (it fetches and refreshes it by itself; these show its expiry, or drop it). The token
//! itself is printed only with `--reveal`.

use super::Context;
use super::common::select_profile_or;
use crate::credentials::Unchosen;
use crate::http::{Token, TokenError, TokenSource};
use crate::signing::{RequestSigner, Scheme, is_v2_token_path, now_unix};
use crate::store::ResolvedProfile;
use crate::store::token::{CachedToken, TokenCache, TokenState};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
A qredo-v2 profile's requests carry a token (x-token) that xsign gets from \
GET /workspaces/{id}/token, signed with the profile's secret, and keeps in the data dir \
(tokens/, mode 0600) until shortly before it expires; then the next send fetches a new one.

Examples:
  xsign token show --profile qredo-v2-demo
  xsign token clear --profile qredo-v2-demo")]
pub struct Args {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Show the cached token's workspace and expiry (never the token unless --reveal)
    Show {
        /// Print the token itself too (it is a credential until it expires)
        #[arg(long)]
        reveal: bool,
    },
    /// Forget the profile's cached tokens: the next send fetches a new one
    Clear,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let selected = select_profile_or(ctx, &Default::default(), Unchosen::DefaultProfile)?;
    let profile = selected.name().to_string();
    if selected.scheme() != Scheme::QredoV2 {
        anyhow::bail!(
            "profile `{profile}` signs with {}, which has no token: pick a qredo-v2 profile (--profile qredo-v2-demo)",
            selected.scheme()
        );
    }
    let cache = TokenCache::open_default();
    match args.command {
        TokenCommand::Show { reveal } => {
            let tokens = cache.of_profile(&profile);
            if tokens.is_empty() {
                outln!("{profile}: {}", TokenState::None.text());
            }
            let now = now_unix();
            for (path, token) in tokens {
                let state = TokenState::of(token.as_ref().map(CachedToken::times), now);
                match token {
                    Some(t) => {
                        outln!(
                            "{profile}: workspace {}: {}{}",
                            t.workspace,
                            state.text(),
                            t.history_id
                                .map(|h| format!(" (fetched by history #{h})"))
                                .unwrap_or_default()
                        );
                        if reveal {
                            outln!("x-token: {}", t.token);
                        }
                    }
                    None => outln!(
                        "{profile}: {} cannot be read; the next send replaces it",
                        path.display()
                    ),
                }
            }
        }
        TokenCommand::Clear => {
            let removed = cache.clear(&profile)?;
            outln!(
                "{profile}: {} cached token{} removed; the next send fetches a new one",
                removed.len(),
                if removed.len() == 1 { "" } else { "s" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The token source of a `qredo-v2` request, `None` for another scheme, signing off, or
/// the token request itself (signed with the HMAC like a v1 call).
pub fn source_for(
    r: &ResolvedProfile,
    url: &str,
    signer: Option<&Arc<dyn RequestSigner>>,
) -> Result<Option<TokenSource>, TokenError> {
    let Some(signer) = signer.filter(|s| s.scheme() == Scheme::QredoV2) else {
        return Ok(None);
    };
    let path = url::Url::parse(url).map_or_else(|_| url.to_string(), |u| u.path().to_string());
    if is_v2_token_path(&path) {
        return Ok(None);
    }
    let workspace = r.workspace.clone().ok_or_else(|| TokenError::NoWorkspace {
        profile: r.name.clone(),
    })?;
    Ok(Some(TokenSource {
        profile: r.name.clone(),
        base_url: r.base_url.clone(),
        workspace,
        api_key: r.api_key.clone(),
        signer: signer.clone(),
        cache: TokenCache::open_default(),
    }))
}

/// The line `send` prints about the token it used.
pub fn token_line(token: &Token, source: &TokenSource) -> String {
    let until = crate::time::hms_utc(token.token.exp);
    match &token.fetch {
        Some(f) => format!(
            "token: fetched for workspace {} (GET {}{}), valid until {until} UTC",
            source.workspace,
            f.ticket.wire_url(),
            f.history_id()
                .map(|h| format!(", history #{h}"))
                .unwrap_or_default()
        ),
        None => format!(
            "token: cached for workspace {}, valid until {until} UTC",
            source.workspace
        ),
    }
}
