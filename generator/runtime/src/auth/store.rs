//! Keeping tokens between runs: the serializable form of a token set and two stores for it.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::TokenSet;
use crate::Secret;

/// Where a session keeps its tokens so that a later run can resume without logging in again.
///
/// [`Session`](super::Session) calls [`TokenStore::save`] whenever its tokens change (including once when
/// it is created by [`Session::new`](super::Session::new)); the caller calls [`TokenStore::load`] and hands
/// the result to [`Session::resume`](super::Session::resume). Saving cannot fail the request that renewed
/// the tokens, so a store reports its own failures (the provided ones log them with `tracing`).
pub trait TokenStore: Send + Sync {
    /// The tokens saved last, if any.
    fn load(&self) -> Option<StoredTokens>;
    /// Saves the tokens, replacing what was saved before.
    fn save(&self, tokens: &StoredTokens);
}

/// The serializable form of a session's tokens.
///
/// Times are wall-clock UTC timestamps. The secrets serialize as plain strings (they have to be written
/// somewhere), so keep the serialized form as private as the credentials themselves; `Debug` redacts them.
/// The login request body kept for re-exchange is never part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredTokens {
    /// The security scheme the tokens are for.
    pub scheme: String,
    /// The base URL of the server that issued them (without a trailing `/`): tokens are only resumed for
    /// that server.
    pub base_url: String,
    /// The access token.
    pub access_token: Secret,
    /// The refresh token, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// When the access token was received.
    pub received_at: DateTime<Utc>,
    /// When the access token expires by its lifetime, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The hard deadline, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    /// When the refresh token stops being accepted, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at: Option<DateTime<Utc>>,
    /// The kept values, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, Secret>,
}

impl StoredTokens {
    /// The stored form of `tokens`, for `scheme` on the server at `base_url`.
    pub fn new(scheme: &str, base_url: &str, tokens: &TokenSet) -> Self {
        Self {
            scheme: scheme.to_owned(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            access_token: tokens.access_token().clone(),
            refresh_token: tokens.refresh_token().cloned(),
            received_at: tokens.received_at(),
            expires_at: tokens.expires_at(),
            deadline: tokens.deadline(),
            refresh_expires_at: tokens.refresh_expires_at(),
            values: tokens
                .value_names()
                .filter_map(|name| Some((name.to_owned(), tokens.value(name)?.clone())))
                .collect(),
        }
    }

    /// The token set again, its expiry re-anchored to the monotonic clock of this run.
    pub fn to_tokens(&self) -> TokenSet {
        TokenSet::restore(
            self.access_token.clone(),
            self.refresh_token.clone(),
            self.received_at,
            self.expires_at,
            self.deadline,
            self.refresh_expires_at,
            self.values.clone(),
        )
    }
}

/// A store in memory, for tests and for handing tokens between sessions of one process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tokens: Mutex<Option<StoredTokens>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> Option<StoredTokens> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn save(&self, tokens: &StoredTokens) {
        *self.tokens.lock().unwrap_or_else(PoisonError::into_inner) = Some(tokens.clone());
    }
}

/// A store in one JSON file, written atomically (a temporary file renamed over it) and, on Unix, readable
/// by its owner only (mode `0600`).
#[derive(Debug, Clone)]
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// A store in the file at `path` (which need not exist yet; its directory must).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file: `None` if it does not exist. An unreadable file is an error of kind
    /// [`io::ErrorKind::InvalidData`] that tells the position of the problem but quotes nothing. On Unix, a
    /// file that its group or others may read or write (any of the mode bits `0o077`, as this store never
    /// creates) is refused with an error of kind [`io::ErrorKind::PermissionDenied`] that says how to fix it:
    /// its tokens may have been read by someone else already, and they must not be trusted silently.
    pub fn try_load(&self) -> io::Result<Option<StoredTokens>> {
        let mut file = match fs::File::open(&self.path) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = file.metadata()?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "the token file {} may be read by others (mode {mode:04o}); it must be private to its \
                         owner: `chmod 600` it (and log in again if others could read it)",
                        self.path.display()
                    ),
                ));
            }
        }
        let mut bytes = Zeroizing::new(Vec::new());
        io::Read::read_to_end(&mut file, &mut bytes)?;
        serde_json::from_slice(&bytes).map(Some).map_err(|err| {
            // serde's message can quote a value, which may be a secret: keep only the position.
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not a token file (line {}, column {})", err.line(), err.column()),
            )
        })
    }

    /// Writes the file: to a new temporary file beside it (mode `0600` on Unix), flushed to disk, then
    /// renamed over it and the directory flushed, so a reader (or a process that starts after this one was
    /// killed at any point) finds the old tokens or the new ones, never half a file. A temporary file of a
    /// write that was killed may stay behind; it is never read.
    pub fn try_save(&self, tokens: &StoredTokens) -> io::Result<()> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = self
            .path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the token file path has no file name"))?;
        let temp = self.path.with_file_name(format!(
            ".{}.{}.{}.tmp",
            name.to_string_lossy(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let json = Zeroizing::new(serde_json::to_vec_pretty(tokens).map_err(io::Error::other)?);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let written = options.open(&temp).and_then(|mut file| {
            file.write_all(&json)?;
            file.sync_all()?;
            fs::rename(&temp, &self.path)?;
            // The rename is durable once the directory entry is on disk too.
            #[cfg(unix)]
            if let Some(dir) = self.path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                fs::File::open(dir)?.sync_all()?;
            }
            Ok(())
        });
        if written.is_err() {
            // Best effort: the temporary file may not even exist.
            let _ = fs::remove_file(&temp);
        }
        written
    }

    /// Deletes the file, if it exists (to log out).
    pub fn remove(&self) -> io::Result<()> {
        match fs::remove_file(&self.path) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

impl TokenStore for FileStore {
    fn load(&self) -> Option<StoredTokens> {
        self.try_load().unwrap_or_else(|err| {
            tracing::warn!(path = %self.path.display(), error = %err, "cannot read the token file");
            None
        })
    }

    fn save(&self, tokens: &StoredTokens) {
        if let Err(err) = self.try_save(tokens) {
            tracing::warn!(path = %self.path.display(), error = %err, "cannot write the token file");
        }
    }
}
