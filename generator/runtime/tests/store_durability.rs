//! A process killed at any point while it saves tokens leaves the previous tokens or the new ones in the file,
//! never a torn one: a child process (this test binary again, running `writer`) saves two token sets in turn
//! as fast as it can, and is killed at varied moments, many times; after each kill the file must load as one
//! of the two.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use clientgen_runtime::Secret;
use clientgen_runtime::auth::{FileStore, StoredTokens, TokenSet};

/// The variable that makes the `writer` test the child's loop, naming the token file.
const CHILD: &str = "CLIENTGEN_STORE_WRITER_FILE";

/// One of the two token sets the writer alternates between, each large enough (256 KiB of token) that a
/// write takes long enough to be killed in the middle of it.
fn tokens(which: u8) -> StoredTokens {
    let access = format!("{which}").repeat(256 * 1024);
    let set = TokenSet::new(Secret::new(access)).with_refresh_token(Secret::new(format!("refresh-{which}")));
    let mut stored = StoredTokens::new("jwt", "https://api.example.com", &set);
    stored.received_at = chrono::DateTime::from_timestamp(1_700_000_000 + i64::from(which), 0).unwrap();
    stored.expires_at = None;
    stored
}

#[test]
fn writer() {
    // The child's side: only when the parent below starts this binary for it.
    let Some(path) = std::env::var_os(CHILD) else { return };
    let store = FileStore::new(PathBuf::from(path));
    let sets = [tokens(1), tokens(2)];
    for turn in 0.. {
        store.try_save(&sets[turn % 2]).unwrap();
        // Tells the parent the writer is under way (it kills only after the first save).
        println!("{turn}");
    }
}

#[test]
fn a_killed_writer_leaves_the_old_tokens_or_the_new() {
    let dir = std::env::temp_dir().join(format!("clientgen-durability-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.json");
    let store = FileStore::new(&path);
    store.try_save(&tokens(1)).unwrap();
    let expected = [tokens(1), tokens(2)];
    let kills = 60;
    let mut seen = [0usize; 2];
    let mut saves = 0;
    for kill in 0..kills {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "writer", "--nocapture", "--test-threads=1", "--quiet"])
            .env(CHILD, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Once it has saved once, at varied moments: from within its next write to many writes in.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.find(|line| line.as_ref().is_ok_and(|l| l.trim() == "0"));
        assert!(first.is_some(), "kill {kill}: the writer did not start");
        std::thread::sleep(Duration::from_micros((kill * 7919 % 40) * 250));
        child.kill().unwrap();
        child.wait().unwrap();
        saves += 1 + lines.map_while(Result::ok).filter(|line| line.trim().parse::<u64>().is_ok()).count();
        let loaded = store.try_load().unwrap_or_else(|err| panic!("kill {kill}: the file does not load: {err}"));
        let loaded = loaded.unwrap_or_else(|| panic!("kill {kill}: the file is gone"));
        let which = expected.iter().position(|set| *set == loaded);
        let which = which.unwrap_or_else(|| panic!("kill {kill}: the file holds neither token set"));
        seen[which] += 1;
    }
    eprintln!(
        "{kills} kills after {saves} completed saves: the first set found {} times, the second {}",
        seen[0], seen[1]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
