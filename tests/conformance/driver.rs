//! The conformance driver: a program that calls the client generated from `tests/conformance/wire.yaml`, one
//! operation per run, and prints what went over the wire. `tests/tests/conformance/` copies this file into a
//! scratch crate as its `main.rs` (it is a template, not part of the workspace) and runs it against Prism.
//!
//! `driver --list` prints the call names, one a line. `driver NAME` makes that call through a logging proxy
//! in front of Prism (`CONFORMANCE_PRISM` = Prism's `host:port`) and prints one JSON line: the call, the
//! client's outcome, and the bytes the proxy saw: the whole request, the head of the response. A proxy,
//! rather than the client's own view, because the report needs the exact bytes, and the verdict (Prism's
//! status and `sl-violations` header) should not depend on how the generated client surfaces a response.
//! One call per run because Prism crashes on some requests (stoplightio/prism#2710): the harness restarts it
//! and goes on with the next call. The proxy is the corpus conformance driver's (`xtask/harness/conformance.rs`,
//! copied in beside this file as `wire.rs`).

#[allow(dead_code)]
mod wire;

use std::fmt::Display;

use wire_client::multipart::FilePart;
use wire_client::types::{CreateFormRequest, Palette, QueryRgb, Rgb};
use wire_client::{Client, Error, ResponseValue, Secret, UploadForm};

/// Every call, in the order the harness runs them.
const CALLS: &[&str] = &[
    "pathSimpleScalar",
    "pathSimpleScalarExploded",
    "pathSimpleArray",
    "pathSimpleArrayExploded",
    "pathSimpleObject",
    "pathSimpleObjectExploded",
    "pathLabelScalar",
    "pathLabelScalarExploded",
    "pathLabelArray",
    "pathLabelArrayExploded",
    "pathLabelObject",
    "pathLabelObjectExploded",
    "pathMatrixScalar",
    "pathMatrixScalarExploded",
    "pathMatrixArray",
    "pathMatrixArrayExploded",
    "pathMatrixObject",
    "pathMatrixObjectExploded",
    "queryStyles",
    "headerStyles",
    "cookieStyles",
    "createJson",
    "createForm",
    "upload",
    "authBasic",
    "authBearer",
    "authHeaderKey",
    "authQueryKey",
    "authCookieKey",
];

/// The style table's scalar.
fn blue() -> String {
    "blue".to_owned()
}

/// The style table's array.
fn colors() -> Vec<String> {
    ["blue", "black", "brown"].map(str::to_owned).to_vec()
}

/// The style table's object.
fn rgb() -> Rgb {
    Rgb::new(100, 200, 150)
}

/// The object, with the lower-case names the query uses (see `QueryRgb` in the spec).
fn query_rgb() -> QueryRgb {
    QueryRgb::new(100, 200, 150)
}

/// Stripe's `expand`, an array sent as `deepObject`.
fn expand() -> Vec<String> {
    ["data.default_source", "data.test_clock"].map(str::to_owned).to_vec()
}

/// `ok STATUS`, or the error as the client reports it.
fn outcome<T, E>(result: Result<ResponseValue<T>, Error<E>>) -> String
where
    Error<E>: Display,
{
    match result {
        Ok(value) => format!("ok {}", value.status().as_u16()),
        Err(err) => format!("error: {err}"),
    }
}

/// Makes the call `name`; `None` for a name that is not a call.
async fn call(client: &Client, name: &str) -> Option<String> {
    let (blue, colors, rgb) = (blue(), colors(), rgb());
    Some(match name {
        "pathSimpleScalar" => outcome(client.path_simple_scalar(&blue).await),
        "pathSimpleScalarExploded" => outcome(client.path_simple_scalar_exploded(&blue).await),
        "pathSimpleArray" => outcome(client.path_simple_array(&colors).await),
        "pathSimpleArrayExploded" => outcome(client.path_simple_array_exploded(&colors).await),
        "pathSimpleObject" => outcome(client.path_simple_object(&rgb).await),
        "pathSimpleObjectExploded" => outcome(client.path_simple_object_exploded(&rgb).await),
        "pathLabelScalar" => outcome(client.path_label_scalar(&blue).await),
        "pathLabelScalarExploded" => outcome(client.path_label_scalar_exploded(&blue).await),
        "pathLabelArray" => outcome(client.path_label_array(&colors).await),
        "pathLabelArrayExploded" => outcome(client.path_label_array_exploded(&colors).await),
        "pathLabelObject" => outcome(client.path_label_object(&rgb).await),
        "pathLabelObjectExploded" => outcome(client.path_label_object_exploded(&rgb).await),
        "pathMatrixScalar" => outcome(client.path_matrix_scalar(&blue).await),
        "pathMatrixScalarExploded" => outcome(client.path_matrix_scalar_exploded(&blue).await),
        "pathMatrixArray" => outcome(client.path_matrix_array(&colors).await),
        "pathMatrixArrayExploded" => outcome(client.path_matrix_array_exploded(&colors).await),
        "pathMatrixObject" => outcome(client.path_matrix_object(&rgb).await),
        "pathMatrixObjectExploded" => outcome(client.path_matrix_object_exploded(&rgb).await),
        "queryStyles" => {
            let object = query_rgb();
            let result = client
                .query_styles(&blue, &blue, &colors, &colors, &object, &object, &colors, &colors, &object, &expand())
                .await;
            outcome(result)
        }
        "headerStyles" => outcome(client.header_styles(&blue, &blue, &colors, &colors, &rgb, &rgb).await),
        "cookieStyles" => outcome(client.cookie_styles(&blue, &blue, &colors, &colors, &rgb, &rgb).await),
        "createJson" => {
            let palette = Palette::new("primary", colors, rgb);
            outcome(client.create_json(&palette).await)
        }
        "createForm" => {
            let form = CreateFormRequest::new("primary colors", expand(), rgb);
            outcome(client.create_form(&form).await)
        }
        "upload" => {
            let file = FilePart::bytes(b"R,G,B\n100,200,150\n".to_vec())
                .file_name("palette.csv")
                .media_type("text/csv")
                .expect("a valid media type");
            outcome(client.upload(UploadForm::new(file, "a palette".to_owned())).await)
        }
        "authBasic" => outcome(client.with_basic(Secret::new("alice"), Secret::new("s3cret")).auth_basic().await),
        "authBearer" => outcome(client.with_bearer(Secret::new("token-123")).auth_bearer().await),
        "authHeaderKey" => outcome(client.with_header_key(Secret::new("key-123")).auth_header_key().await),
        "authQueryKey" => outcome(client.with_query_key(Secret::new("key-123")).auth_query_key().await),
        "authCookieKey" => outcome(client.with_cookie_key(Secret::new("key-123")).auth_cookie_key().await),
        _ => return None,
    })
}

#[tokio::main]
async fn main() {
    let name = std::env::args().nth(1).expect("usage: driver --list | driver CALL");
    if name == "--list" {
        CALLS.iter().for_each(|call| println!("{call}"));
        return;
    }
    let prism = std::env::var("CONFORMANCE_PRISM").expect("CONFORMANCE_PRISM names Prism's host:port");
    let (address, wire, _proxy) = wire::proxy(prism).await;
    let client = Client::with_base_url(&format!("http://{address}")).expect("a loopback URL is a base URL");
    let outcome = call(&client, &name).await.unwrap_or_else(|| panic!("no call named {name}"));
    let wire = wire.lock().expect("the wire record is not poisoned");
    // The response's head only: the verdict is in its status and headers, and bodies are Prism's own text.
    let head_end = wire.response.windows(4).position(|w| w == b"\r\n\r\n").map_or(wire.response.len(), |i| i + 4);
    let line = serde_json::json!({
        "call": name,
        "outcome": outcome,
        "request": String::from_utf8_lossy(&wire.request),
        "response": String::from_utf8_lossy(&wire.response[..head_end]),
    });
    println!("{line}");
}
