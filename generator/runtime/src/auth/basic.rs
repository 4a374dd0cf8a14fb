//! HTTP Basic credentials (RFC 7617): a user name and a password, sent as `Basic` and the base64 of
//! `user:password` in UTF-8.

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::Secret;

/// The credential `Authorization: Basic …` carries for `user` and `password`: base64 of `user:password`.
/// The joined text is zeroized once encoded.
pub fn basic_credential(user: &Secret, password: &Secret) -> Secret {
    let joined = Zeroizing::new(format!("{}:{}", user.expose(), password.expose()));
    Secret::new(base64::engine::general_purpose::STANDARD.encode(joined.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7617_examples() {
        let credential = basic_credential(&Secret::new("Aladdin"), &Secret::new("open sesame"));
        assert_eq!(credential.expose(), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        // UTF-8, as RFC 7617's `charset="UTF-8"` example.
        let credential = basic_credential(&Secret::new("test"), &Secret::new("123\u{a3}"));
        assert_eq!(credential.expose(), "dGVzdDoxMjPCow==");
    }
}
