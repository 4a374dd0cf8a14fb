//! A server whose clock is an hour off this one's. A JWT with `iat` states its own lifetime (`exp - iat`);
//! one without is read against the server's clock from the token response's `Date` header, so that a
//! server behind does not make every fresh token look expired (a refresh on every call), and one ahead does
//! not keep a token past its real expiry.

use std::time::Duration;

use serde_json::json;

use super::tokens::{hits, logged_in, now, ok, token, token_server};

/// An HTTP date `offset` seconds from now by this machine's clock.
fn http_date(offset: i64) -> String {
    let at = std::time::SystemTime::now().checked_add(Duration::from_secs(offset.unsigned_abs()));
    let at =
        if offset >= 0 { at } else { std::time::SystemTime::now().checked_sub(Duration::from_secs(-offset as u64)) };
    httpdate::fmt_http_date(at.unwrap())
}

#[tokio::test]
async fn a_server_an_hour_behind_or_ahead_issues_tokens_that_last_their_lifetime() {
    for skew in [-3600, 3600] {
        // Five-minute tokens by the server's clock, without `iat`, and its clock in the `Date` header.
        let (server, refreshes, calls) =
            token_server(move |n| (token(json!({"exp": now() + skew + 300, "jti": n})), Some(http_date(skew))), ok)
                .await;
        let client = logged_in(&server).await.unwrap();
        for _ in 0..3 {
            client.list_things().await.unwrap();
        }
        assert_eq!((hits(&refreshes), hits(&calls)), (0, 3), "skew {skew}: no renewal of a fresh token");
        let left = client.session().unwrap().current().expires_in().unwrap();
        assert!(left > Duration::from_secs(280) && left <= Duration::from_secs(306), "skew {skew}: {left:?} left");
    }
}

#[tokio::test]
async fn with_iat_the_lifetime_needs_no_clock_at_all() {
    for skew in [-3600, 3600] {
        // No `Date` header this time: `exp - iat` is the lifetime.
        let (server, refreshes, calls) =
            token_server(move |n| (token(json!({"iat": now() + skew, "exp": now() + skew + 300, "jti": n})), None), ok)
                .await;
        let client = logged_in(&server).await.unwrap();
        client.list_things().await.unwrap();
        assert_eq!((hits(&refreshes), hits(&calls)), (0, 1), "skew {skew}");
        let left = client.session().unwrap().current().expires_in().unwrap();
        assert!(left > Duration::from_secs(280) && left <= Duration::from_secs(300), "skew {skew}: {left:?} left");
    }
}
