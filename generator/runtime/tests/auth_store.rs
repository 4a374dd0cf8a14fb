//! Keeping tokens between runs: the file and memory stores, and resuming a session from them.

mod auth_support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth_support::{BEARER, Fake};
use chrono::Utc;
use clientgen_runtime::Secret;
use clientgen_runtime::auth::{
    AuthError, FileStore, MemoryStore, Session, SessionOptions, StoredTokens, TokenSet, TokenStore,
};

/// A file path in the temporary directory that no other test uses.
fn temp_path(name: &str) -> PathBuf {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos();
    std::env::temp_dir().join(format!("clientgen-{name}-{}-{nanos}.json", std::process::id()))
}

/// Makes a file written by the test private to its owner, as the store writes its own.
fn private(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn sample() -> StoredTokens {
    let tokens = TokenSet::new(Secret::new("SECRET-ACCESS"))
        .with_refresh_token(Secret::new("SECRET-REFRESH"))
        .with_lifetime(Duration::from_secs(300))
        .with_deadline(Utc::now() + chrono::TimeDelta::days(1))
        .with_value("client_secret", Secret::new("SECRET-CLIENT"));
    StoredTokens::new("jwtAccess", "https://api.example.com/v1/", &tokens)
}

#[test]
fn the_file_store_round_trips() {
    let store = FileStore::new(temp_path("roundtrip"));
    assert!(store.try_load().unwrap().is_none(), "no file yet");
    let stored = sample();
    store.save(&stored);
    assert_eq!(store.load().as_ref(), Some(&stored));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(store.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Overwriting replaces the file and leaves no temporary file behind.
    let mut newer = stored.clone();
    newer.access_token = Secret::new("SECRET-ACCESS-2");
    store.save(&newer);
    assert_eq!(store.load(), Some(newer));
    let dir = store.path().parent().unwrap();
    let stem = store.path().file_name().unwrap().to_string_lossy().into_owned();
    let leftovers = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(&format!(".{stem}")))
        .count();
    assert_eq!(leftovers, 0);
    store.remove().unwrap();
    assert!(store.load().is_none());
}

#[test]
fn a_corrupt_file_is_reported_without_quoting_it() {
    let path = temp_path("corrupt");
    std::fs::write(&path, r#"{"scheme": "s", "access_token": 12, "x": "SECRET-IN-FILE"}"#).unwrap();
    private(&path);
    let store = FileStore::new(&path);
    let err = store.try_load().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(!err.to_string().contains("SECRET"), "{err}");
    assert!(store.load().is_none());
    store.remove().unwrap();
}

#[cfg(unix)]
#[test]
fn a_file_others_may_read_is_refused_with_a_clear_error() {
    use std::os::unix::fs::PermissionsExt as _;
    let store = FileStore::new(temp_path("open"));
    let saved = sample();
    store.save(&saved);
    for mode in [0o644, 0o604, 0o640, 0o660, 0o606] {
        std::fs::set_permissions(store.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        let err = store.try_load().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied, "mode {mode:o}");
        let shown = err.to_string();
        assert!(shown.contains(&format!("(mode {mode:04o})")) && shown.contains("chmod 600"), "{shown}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(store.load().is_none(), "mode {mode:o}: a refused file is no tokens");
    }
    std::fs::set_permissions(store.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(store.load(), Some(saved));
    store.remove().unwrap();
}

#[test]
fn stored_tokens_keep_expiry_as_wall_clock_times() {
    let stored = sample();
    assert_eq!(stored.base_url, "https://api.example.com/v1");
    let expires_at = stored.expires_at.unwrap();
    assert_eq!((expires_at - stored.received_at).num_seconds(), 300);
    let json = serde_json::to_value(&stored).unwrap();
    assert_eq!(json["access_token"], "SECRET-ACCESS");
    assert_eq!(json["values"]["client_secret"], "SECRET-CLIENT");
    let tokens = stored.to_tokens();
    assert_eq!(tokens.lifetime(), Some(Duration::from_secs(300)));
    assert_eq!(tokens.value("client_secret").unwrap().expose(), "SECRET-CLIENT");
    assert_eq!(tokens.deadline(), stored.deadline);
    assert!(!format!("{stored:?}").contains("SECRET"));
}

#[tokio::test]
async fn a_session_saves_renewed_tokens_and_a_new_run_resumes_them() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    let store = Arc::new(FileStore::new(temp_path("session")));
    let expired =
        TokenSet::new(Secret::new("old")).with_refresh_token(Secret::new(&*refresh)).with_lifetime(Duration::ZERO);
    let session = fake.session(&BEARER, expired, SessionOptions::new().store(store.clone()));
    assert_eq!(store.load().unwrap().access_token.expose(), "old", "saved once at creation");
    assert_eq!(session.send(fake.resource()).await.unwrap().status(), 200);
    let saved = store.load().unwrap();
    assert_eq!(saved.access_token.expose(), "SECRET-ACCESS-2");
    assert_eq!(saved.refresh_token.as_ref().unwrap().expose(), "SECRET-REFRESH-2");
    assert_eq!(saved, session.stored());

    // The next run: no refresh needed, the stored token is used.
    let resumed =
        Session::resume(reqwest::Client::new(), fake.base_url(), &BEARER, saved.clone(), SessionOptions::new())
            .unwrap();
    assert_eq!(resumed.send(fake.resource()).await.unwrap().status(), 200);
    {
        let state = fake.state();
        assert_eq!(state.refreshes, 1);
        assert_eq!(state.resource_auth, ["Bearer SECRET-ACCESS-2", "Bearer SECRET-ACCESS-2"]);
    }

    // Tokens are never resumed for another server or scheme.
    let elsewhere = reqwest::Url::parse("https://elsewhere.example.com/api").unwrap();
    let err = Session::resume(reqwest::Client::new(), elsewhere, &BEARER, saved, SessionOptions::new()).unwrap_err();
    assert!(matches!(err, AuthError::NoCredentials { .. }), "{err:?}");
    FileStore::new(store.path()).remove().unwrap();
}

#[test]
fn the_memory_store_keeps_the_last_save() {
    let store = MemoryStore::new();
    assert!(store.load().is_none());
    let stored = sample();
    store.save(&stored);
    assert_eq!(store.load(), Some(stored));
}
