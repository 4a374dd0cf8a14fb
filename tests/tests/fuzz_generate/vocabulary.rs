//! The pools of names, texts and other awkward values the inputs are made of, and strategies drawing
//! values from them.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

use crate::generated_docs::parameter;
use crate::mutate::ref_to;

/// Names that are awkward as Rust identifiers, collide once cased, or are names the generated code uses
/// itself.
const NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "r#x",
    "_",
    "__",
    "1st",
    "123",
    "-1",
    "+1",
    "fooBar",
    "foo_bar",
    "FooBar",
    "foo-bar",
    "FOO_BAR",
    "foo.bar",
    "foo bar",
    "",
    "ÄÖ",
    "日本",
    "😀",
    "a/b",
    "~0",
    "~1",
    "{id}",
    "Option",
    "Result",
    "Box",
    "String",
    "Vec",
    "Some",
    "None",
    "Ok",
    "Err",
    "Client",
    "Error",
    "Default",
    "Other",
    "additional_properties",
    "additionalProperties",
    "body",
    "request",
    "new",
    "base_url",
    "send",
    "login",
    "session",
    "with_base_url",
    "types",
    "std",
    "core",
    "serde",
    "async",
    "await",
    "gen",
    "try",
    "dyn",
    "fn",
    "match",
    "Item",
    "Value",
    "Variant0",
    "Status200",
    "x-clientgen-secret",
    "$ref",
    "\n",
    "\"",
    "\\",
    "'",
    "a\"b",
    "id",
    "ID",
    "Id",
    "i_d",
    "pet",
    "Pet",
    "pets",
    "value",
    "http",
    "core",
    "clientgen_runtime",
    "Deserialize",
    "Serialize",
    "ResponseValue",
    "Secret",
    "BuildError",
    "auth",
    "Security",
    "ClientCore",
    "Infallible",
    "T",
    "T1",
    "n",
    "N",
    // More names the generated code uses itself (its parameters, locals, methods and types, like `body` and
    // `Client` above): a spec using one as a parameter, property, operation or schema name must still make
    // code that compiles.
    "options",
    "client",
    "response",
    "self_",
    "cookies",
    "joined",
    "credential",
    "resume",
    "with_http_client",
    "Session",
    "AuthError",
    "From",
];

/// Component names of generated documents (refs point among them).
pub(crate) const POOL: &[&str] = &[
    "Pet", "fooBar", "foo_bar", "FooBar", "Self", "type", "1st", "Error", "Node", "ÄÖ", "a b", "Option", "Client",
    "PetItem", "PetValue",
];

pub(crate) const STATUS: &[&str] = &[
    "200", "201", "202", "204", "2XX", "2xx", "3XX", "4XX", "5XX", "default", "999", "abc", "0", "100", "1XX", "600",
    "6XX", "20X", "", "200.0", "-1", "65536", "Default", "DEFAULT", "400", "401", "404", "418", "499", "500", "XXX",
    "0XX", "9XX", "2XX ",
];

pub(crate) const MEDIA: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "application/problem+json",
    "*/*",
    "text/plain",
    "text/html",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/octet-stream",
    "application/xml",
    "image/png",
    "",
    "json",
    "APPLICATION/JSON",
    "text/*",
    ";",
    "application/json;",
    "application/vnd.api+json",
    "text/event-stream",
];

const TYPES: &[&str] =
    &["string", "integer", "number", "boolean", "array", "object", "null", "file", "any", "String", ""];

pub(crate) const FORMATS: &[&str] = &[
    "int32",
    "int64",
    "date-time",
    "date",
    "uuid",
    "password",
    "byte",
    "binary",
    "email",
    "float",
    "double",
    "uint8",
    "",
    "unknown",
];

pub(crate) const PATHS: &[&str] = &[
    "/",
    "/a",
    "/a/{id}",
    "/{id}",
    "/{a}/{b}",
    "/{a}{b}",
    "/x/{id}/y/{id}",
    "/{",
    "/}",
    "/{}",
    "/{self}",
    "/{type}",
    "/{1}",
    "/{a b}",
    "/{ÄÖ}",
    "/a/b/",
    "",
    "a",
    "/{{x}}",
    "/a?b=1",
    "/a#b",
    "/ä/ö",
    "/{fooBar}/{foo_bar}",
    "/%7Bid%7D",
    "/{body}",
    "/{id}/{Id}",
    "/\"",
    "/\\",
];

pub(crate) const SERVERS: &[&str] = &[
    "https://example.com",
    "https://{host}/v1",
    "{scheme}://{host}:{port}",
    "https://{self}/",
    "https://{type}/{base_url}",
    "/relative",
    "",
    "https://{",
    "https://{}/",
    "https://{a}{a}/",
    "http://x/{ÄÖ}",
    "https://{http}/{1}",
    "https://\"/",
    "https://{a}/}",
];

pub(crate) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub(crate) const LOCATIONS: &[&str] = &["path", "query", "header", "cookie", "body", "formData", "", "Path"];

pub(crate) const STYLES: &[&str] =
    &["form", "simple", "matrix", "label", "spaceDelimited", "pipeDelimited", "deepObject", "bogus"];

pub(crate) const ENUM_VALUES: &[&str] = &[
    "",
    "1",
    "-",
    "a b",
    "ÄÖ",
    "Self",
    "self",
    "type",
    "Other",
    "other",
    "OTHER",
    "a",
    "A",
    "a-b",
    "a_b",
    "aB",
    "AB",
    "+",
    "-1",
    "+1",
    "*",
    "null",
    "true",
    "1.5",
    "_",
    "__",
    "Status200",
    "\"",
    "\\",
    "\n",
    "😀",
    "crate",
    "r#type",
];

/// Text for descriptions and titles (doc comments and the manifest's description).
const TEXTS: &[&str] = &[
    "",
    " ",
    "plain",
    "a\nb",
    "a\r\nb",
    "a\rb",
    "*/",
    "/*",
    "```rust\nfn main() {}\n```",
    "```",
    "~~~\nx\n",
    "    indented code",
    "[link]",
    "[a]: b",
    "<b>html</b>",
    "<p>a <code>b<a href='https://x.io/(\"'>c<ul><li>d<table><tr><td>e|<pre>f",
    "</li></ul></a></strong><h2>x<br><img src=x><!-- c",
    "| a |\n|---|\n| `b|` |\n\n# h\n> q\n1. a\n   - b\n\n---",
    "&#x110000; &amp;lt; &#0; &bogus; İdeprecated. x",
    "<https://x.io> www.x.io [x](https://a.io \"t\") ![i](/rel)",
    "https://example.com/a_(b)",
    "`unclosed",
    "\\",
    "\"",
    "\"\"\"",
    "\u{0}",
    "\u{7f}",
    "\t",
    "ÄÖ 😀",
    "#![doc]",
    "\u{2028}",
    "\u{feff}",
    "}",
    "{",
    "#",
    "///",
    "//!",
    "a\n\n\nb",
    "\u{85}",
    "\u{200b}",
    "\u{202e}",
    "\\u{0}",
    "{}",
    "a = \"b\"\n[x]",
    "'''",
];

/// Refs, valid and not, other than `#/components/schemas/<existing name>`.
pub(crate) const REFS: &[&str] = &[
    "#/components/schemas/Missing",
    "#/components/schemas/",
    "#/components/schemas/a/b",
    "#/components/schemas/foo%20bar",
    "#/components/responses/Missing",
    "#/components/parameters/Missing",
    "#/components/requestBodies/Missing",
    "#/components/securitySchemes/Missing",
    "#/components/schema/Missing",
    "#/paths/~1a",
    "#",
    "#/",
    "",
    "other.yaml#/components/schemas/Pet",
    "https://example.com/x.yaml",
    "#/components/schemas/~1",
    "#/components/schemas/~0",
    "#/components/schemas/~",
    "#/definitions/Pet",
];

const FIELDS: &[&str] = &[
    "type",
    "format",
    "nullable",
    "required",
    "additionalProperties",
    "items",
    "properties",
    "enum",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "default",
    "discriminator",
    "readOnly",
    "writeOnly",
    "deprecated",
    "description",
    "title",
    "$ref",
    "x-clientgen-secret",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "security",
    "servers",
    "in",
    "name",
    "style",
    "explode",
    "example",
    "minimum",
    "maxLength",
    "x-clientgen-token",
    "x-clientgen-in",
    "x-clientgen-body-fields",
    "summary",
    "tags",
    "callbacks",
    "headers",
    "url",
    "variables",
    "scheme",
    "flows",
    "openapi",
    "info",
    "paths",
    "components",
];

pub(crate) const SCHEMA_KEYS: &[&str] = &[
    "type",
    "$ref",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "enum",
    "additionalProperties",
    "nullable",
    "format",
];

pub(crate) const RAW_SNIPPETS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ": ",
    "- ",
    "\t",
    "\n",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "? ",
    "|\n",
    ">-\n",
    "'",
    "\"",
    "\\u",
    "#",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "\u{feff}",
    "\0",
    "~",
    "!Tag ",
    "&a [*a]",
    "1e999",
    "0x10",
    ".nan",
    "-.inf",
    "\r",
    "\"\\ud800\"",
    "18446744073709551616",
];

pub(crate) fn name_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => select(NAMES).prop_map(str::to_owned),
        2 => "[a-zA-Z0-9_ .-]{0,10}",
        1 => "\\PC{0,6}",
        1 => (1usize..400).prop_map(|n| "a".repeat(n)),
    ]
}

pub(crate) fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(TEXTS).prop_map(str::to_owned),
        1 => vec(select(TEXTS), 2..4).prop_map(|parts| parts.concat()),
        1 => "\\PC{0,12}",
        1 => (100usize..20_000).prop_map(|n| "word ".repeat(n / 5)),
    ]
}

/// Any JSON value, mostly awkward ones.
pub(crate) fn weird_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        select(&[0i64, -1, 1, 200, 404, i64::MIN, i64::MAX][..]).prop_map(Value::from),
        Just(json!(u64::MAX)),
        select(&[0.5f64, 1e308, -0.0, 3.0, 1e-300][..]).prop_map(|f| json!(f)),
        name_strategy().prop_map(Value::String),
        text_strategy().prop_map(Value::String),
        Just(json!({})),
        Just(json!([])),
        Just(json!([null])),
        ref_to().prop_map(|r| json!({ "$ref": r.resolve(&[]) })),
        small_schema(),
    ]
}

/// A value that suits `field` (or, sometimes, any value).
pub(crate) fn field_and_value() -> impl Strategy<Value = (&'static str, Value)> {
    select(FIELDS).prop_flat_map(|field| {
        let fitting: BoxedStrategy<Value> = match field {
            "type" => select(TYPES).prop_map(Value::from).boxed(),
            "format" => select(FORMATS).prop_map(Value::from).boxed(),
            "in" => select(LOCATIONS).prop_map(Value::from).boxed(),
            "style" => select(STYLES).prop_map(Value::from).boxed(),
            "nullable" | "explode" | "readOnly" | "writeOnly" | "deprecated" | "x-clientgen-secret" => {
                any::<bool>().prop_map(Value::Bool).boxed()
            }
            "required" => {
                prop_oneof![any::<bool>().prop_map(Value::Bool), vec(name_strategy(), 0..3).prop_map(|v| json!(v)),]
                    .boxed()
            }
            "enum" => enum_values().boxed(),
            "items" | "not" | "schema" | "additionalProperties" => prop_oneof![
                3 => small_schema(),
                1 => any::<bool>().prop_map(Value::Bool),
            ]
            .boxed(),
            "allOf" | "oneOf" | "anyOf" => vec(small_schema(), 0..3).prop_map(Value::Array).boxed(),
            "properties" => vec((name_strategy(), small_schema()), 0..3)
                .prop_map(|props| Value::Object(props.into_iter().collect()))
                .boxed(),
            "description" | "title" | "summary" => text_strategy().prop_map(Value::String).boxed(),
            "operationId" | "name" => name_strategy().prop_map(Value::String).boxed(),
            "$ref" => ref_to().prop_map(|r| Value::String(r.resolve(&[]))).boxed(),
            "content" => vec((select(MEDIA), small_schema()), 0..3)
                .prop_map(|entries| {
                    Value::Object(entries.into_iter().map(|(m, s)| (m.to_owned(), json!({ "schema": s }))).collect())
                })
                .boxed(),
            "responses" => vec((select(STATUS), text_strategy()), 0..3)
                .prop_map(|entries| {
                    Value::Object(
                        entries.into_iter().map(|(code, d)| (code.to_owned(), json!({ "description": d }))).collect(),
                    )
                })
                .boxed(),
            "servers" => vec(select(SERVERS), 0..3)
                .prop_map(|urls| json!(urls.iter().map(|u| json!({ "url": u })).collect::<Vec<_>>()))
                .boxed(),
            "security" => vec(name_strategy(), 0..3)
                .prop_map(|keys| json!([keys.iter().map(|k| (k.clone(), json!([]))).collect::<Map<_, _>>(), {}]))
                .boxed(),
            "x-clientgen-token" => token_extension().boxed(),
            "x-clientgen-in" => prop_oneof![Just(json!("body")), Just(json!("header")), Just(json!(true))].boxed(),
            "x-clientgen-body-fields" => vec(name_strategy(), 0..3).prop_map(|v| json!(v)).boxed(),
            "parameters" => vec(parameter(), 0..3).prop_map(Value::Array).boxed(),
            _ => weird_value().boxed(),
        };
        (Just(field), prop_oneof![4 => fitting, 1 => weird_value().boxed()])
    })
}

pub(crate) fn token_extension() -> impl Strategy<Value = Value> {
    (
        select(&["exchange", "refresh", "other"][..]),
        name_strategy(),
        select(&["/access_token", "/token", "token", "", "/"][..]),
        any::<u8>(),
    )
        .prop_map(|(role, scheme, access, flags)| {
            let mut ext = json!({ "role": role, "scheme": scheme, "access-token": access });
            if flags & 1 != 0 {
                ext["refresh-token"] = json!("/refresh_token");
            }
            if flags & 2 != 0 {
                ext["refresh-token-field"] = json!("/refresh_token");
            }
            if flags & 4 != 0 {
                ext["lifetime"] = json!({ "expires-in": "/expires_in" });
            }
            if flags & 8 != 0 {
                ext["keep"] = json!({ "a": "response#/a", "b": "nowhere" });
            }
            if flags & 16 != 0 {
                ext["single-use"] = json!(true);
            }
            ext
        })
}

fn enum_values() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => vec(select(ENUM_VALUES), 0..6).prop_map(|v| json!(v)),
        1 => Just(json!([1, 2, 3])),
        1 => Just(json!([null, "a"])),
        1 => Just(json!(["a", "a", "A"])),
        1 => Just(json!([true, 1.5, {}])),
    ]
}

pub(crate) fn small_schema() -> BoxedStrategy<Value> {
    prop_oneof![
        (select(TYPES), proptest::option::of(select(FORMATS))).prop_map(|(t, f)| {
            let mut s = json!({ "type": t });
            if let Some(f) = f {
                s["format"] = json!(f);
            }
            s
        }),
        enum_values().prop_map(|e| json!({ "type": "string", "enum": e })),
        ref_to().prop_map(|r| json!({ "$ref": r.resolve(&[]) })),
        Just(json!({})),
        Just(json!({ "type": "object", "properties": { "a": { "type": "string" } } })),
        Just(json!({ "type": "array", "items": { "type": "integer" } })),
        Just(json!({ "type": "string", "nullable": true })),
        Just(json!({ "type": "string", "format": "password" })),
    ]
    .boxed()
}
