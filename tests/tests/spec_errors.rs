//! Bad input gets a clear, located error (never a panic). Each case's exact message is a snapshot.

use std::path::Path;

fn generate(text: &str) -> Result<Vec<clientgen::GeneratedFile>, clientgen::Error> {
    let options = clientgen::Options::for_spec(Path::new("specs/case.yaml"), "{ path = \"../runtime\" }");
    clientgen::generate(Path::new("specs/case.yaml"), text, &options)
}

fn error_of(text: &str) -> String {
    match generate(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(err) => err.to_string(),
    }
}

/// A minimal valid document with `rest` appended under the top level.
fn doc(rest: &str) -> String {
    format!("openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\n{rest}")
}

const OK_PATHS: &str = "paths: {}\n";

macro_rules! case {
    ($name:ident, $text:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), error_of(&$text));
        }
    };
}

case!(empty_file, "");
case!(only_whitespace, "  \n\n\t\n");
case!(not_yaml_at_all, "{{{ this is : not [ yaml");
case!(yaml_syntax_error_has_line_and_column, doc("paths:\n  /a:\n    get: {\n  bad: ]\n"));
case!(json_syntax_error, "{\"openapi\": \"3.0.3\", \"info\" {\"title\": \"T\"}}");
case!(tab_indentation, "openapi: 3.0.3\ninfo:\n\ttitle: T\n");
case!(top_level_is_a_list, "- openapi\n- 3.0.3\n");
case!(top_level_is_a_string, "just a string");
case!(swagger_2, "swagger: '2.0'\ninfo:\n  title: T\n  version: '1'\npaths: {}\n");
case!(openapi_3_2, "openapi: 3.2.0\ninfo:\n  title: T\n  version: '1'\npaths: {}\n");
// 3.1 documents are read; their mistakes are located as in 3.0 (pointer, and the line where it is sure).
case!(
    openapi_3_1_invalid_operation,
    "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\npaths:\n  /a:\n    get:\n      parameters: 5\n"
);
case!(
    openapi_3_1_dangling_ref_beside_a_type_list,
    "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\ncomponents:\n  schemas:\n    A:\n      type: [object, 'null']\n      properties:\n        b:\n          $ref: '#/components/schemas/Missing'\n          description: gone\n"
);
case!(openapi_2_0_field, "openapi: 2.0.0\ninfo:\n  title: T\n  version: '1'\npaths: {}\n");
case!(openapi_is_a_number, "openapi: 3.0\ninfo:\n  title: T\n  version: '1'\npaths: {}\n");
case!(missing_openapi, "info:\n  title: T\n  version: '1'\npaths: {}\n");
case!(missing_info, "openapi: 3.0.3\npaths: {}\n");
case!(missing_paths, doc(""));
case!(info_without_title, "openapi: 3.0.3\ninfo:\n  version: '1'\npaths: {}\n");
case!(
    dangling_schema_ref,
    doc(
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/components/schemas/Missing'\n"
    )
);
case!(
    dangling_response_ref,
    doc("paths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/Nope'\n")
);
case!(
    dangling_request_body_ref,
    doc(
        "paths:\n  /a:\n    post:\n      requestBody:\n        $ref: '#/components/requestBodies/Nope'\n      responses:\n        '204':\n          description: ok\n"
    )
);
case!(
    parameter_ref_loop,
    doc(
        "paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/A'\n      responses:\n        '204':\n          description: ok\ncomponents:\n  parameters:\n    A:\n      $ref: '#/components/parameters/B'\n    B:\n      $ref: '#/components/parameters/A'\n"
    )
);
case!(
    schema_ref_loop,
    doc(
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        x:\n          $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/C'\n    C:\n      $ref: '#/components/schemas/B'\n"
    )
);
case!(
    external_file_ref,
    doc(
        "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: 'other.yaml#/Pet'\n"
    )
);
case!(
    external_url_ref,
    doc(
        "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: 'https://example.com/pet.json'\n"
    )
);
case!(
    ref_to_the_wrong_section,
    doc(
        "paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/schemas/P'\n      responses:\n        '204':\n          description: ok\ncomponents:\n  schemas:\n    P:\n      type: string\n"
    )
);
case!(
    duplicate_operation_ids,
    doc(
        "paths:\n  /a:\n    get:\n      operationId: same\n      responses:\n        '204':\n          description: ok\n  /b:\n    get:\n      operationId: same\n      responses:\n        '204':\n          description: ok\n"
    )
);
case!(
    path_parameter_not_declared,
    doc("paths:\n  /pets/{petId}:\n    get:\n      responses:\n        '204':\n          description: ok\n")
);
case!(
    path_parameter_not_in_path,
    doc(
        "paths:\n  /pets:\n    get:\n      parameters:\n        - name: petId\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '204':\n          description: ok\n"
    )
);
case!(schema_type_is_a_number, doc("paths: {}\ncomponents:\n  schemas:\n    A:\n      type: 42\n"));
case!(
    properties_is_a_list,
    doc("paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties: [a, b]\n")
);
case!(
    parameter_without_location,
    doc(
        "paths:\n  /a:\n    get:\n      parameters:\n        - name: q\n          schema:\n            type: string\n      responses:\n        '204':\n          description: ok\n"
    )
);
case!(
    response_without_description,
    doc("paths:\n  /a:\n    get:\n      responses:\n        '200':\n          content: {}\n")
);
case!(mapping_key_is_a_list, doc("paths:\n  ? [a, b]\n  : {}\n"));
case!(
    token_extension_unknown_field,
    doc(
        "paths:\n  /t:\n    post:\n      x-clientgen-token:\n        role: exchange\n        scheme: s\n        access-token: /t\n        acess-token: /typo\n      responses:\n        '200':\n          description: ok\ncomponents:\n  securitySchemes:\n    s:\n      type: http\n      scheme: bearer\n"
    )
);
case!(
    token_extension_unknown_scheme,
    doc(
        "paths:\n  /t:\n    post:\n      x-clientgen-token:\n        role: exchange\n        scheme: nope\n        access-token: /t\n      responses:\n        '200':\n          description: ok\n"
    )
);
case!(
    token_extension_two_lifetimes,
    doc(
        "paths:\n  /t:\n    post:\n      x-clientgen-token:\n        role: exchange\n        scheme: s\n        access-token: /t\n        lifetime:\n          expires-in: /e\n          jwt-exp: true\n      responses:\n        '200':\n          description: ok\ncomponents:\n  securitySchemes:\n    s:\n      type: http\n      scheme: bearer\n"
    )
);
case!(
    token_extension_pointer_without_slash,
    doc(
        "paths:\n  /t:\n    post:\n      x-clientgen-token:\n        role: exchange\n        scheme: s\n        access-token: token\n      responses:\n        '200':\n          description: ok\ncomponents:\n  securitySchemes:\n    s:\n      type: http\n      scheme: bearer\n"
    )
);
case!(
    credential_in_unsupported_place,
    doc(
        "paths: {}\ncomponents:\n  securitySchemes:\n    s:\n      type: apiKey\n      in: header\n      name: k\n      x-clientgen-in: query\n"
    )
);

#[test]
fn deeply_nested_schemas_give_an_error_not_a_stack_overflow() {
    let depth = 20_000;
    let mut text = doc("paths: {}\ncomponents:\n  schemas:\n    A: ");
    text.push_str(&"{type: array, items: ".repeat(depth));
    text.push_str("{type: string}");
    text.push_str(&"}".repeat(depth));
    text.push('\n');
    insta::assert_snapshot!("deeply_nested", error_of(&text));
}

#[test]
fn schemas_nested_20_deep_generate_and_21_deep_are_refused() {
    let nested = |depth: usize| {
        let mut text = doc("paths: {}\ncomponents:\n  schemas:\n    A: ");
        text.push_str(&"{type: object, properties: {inner: ".repeat(depth));
        text.push_str("{type: string}");
        text.push_str(&"}}".repeat(depth));
        text.push('\n');
        text
    };
    let files = generate(&nested(20)).unwrap_or_else(|err| panic!("{err}"));
    assert!(files.iter().any(|f| f.contents.contains("pub struct AInner")));
    insta::assert_snapshot!("nested_21_deep", error_of(&nested(21)));
}

#[test]
fn deeply_nested_invalid_schemas_are_refused_quickly() {
    // Invalid deep inside: the OpenAPI parser would take exponential time on this.
    let depth = 30;
    let mut text = doc("paths: {}\ncomponents:\n  schemas:\n    A: ");
    text.push_str(&"{properties: {a: ".repeat(depth));
    text.push_str("{type: string, format: 5}");
    text.push_str(&"}}".repeat(depth));
    text.push('\n');
    let err = generate(&text).unwrap_err();
    assert!(matches!(err.kind, clientgen::ErrorKind::TooDeep { .. }), "{err}");
}

#[test]
fn a_50_mb_document_is_handled() {
    let padding = "x".repeat(50 * 1024 * 1024);
    let text = doc(&format!("x-padding: {padding}\n{OK_PATHS}"));
    assert!(text.len() > 50 * 1024 * 1024);
    let files = generate(&text).unwrap_or_else(|err| panic!("{err}"));
    // Cargo.toml, README.md, src/lib.rs, src/types.rs.
    assert_eq!(files.len(), 4);
}

#[test]
fn an_unreadable_file_is_an_io_error() {
    let options = clientgen::Options::for_spec(Path::new("missing.yaml"), "{ path = \"../runtime\" }");
    let err = clientgen::generate_file(Path::new("/nonexistent/missing.yaml"), &options).unwrap_err();
    assert!(matches!(err.kind, clientgen::ErrorKind::Io(_)), "{err}");
}

#[test]
fn errors_name_the_file_and_the_pointer() {
    let err = generate(&doc(
        "paths:\n  /pets/{id}:\n    get:\n      responses:\n        '204':\n          description: ok\n",
    ))
    .unwrap_err();
    assert_eq!(err.file, Path::new("specs/case.yaml"));
    assert_eq!(err.pointer, "/paths/~1pets~1{id}/get");
}

// Required fields real documents leave out, with one safe reading: refused in strict mode, located and
// naming the version the document declares; read that way in lenient mode.
case!(
    response_without_description_in_31,
    "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          content: {}\n"
);
case!(info_without_version, "openapi: 3.0.3\ninfo:\n  title: T\npaths: {}\n");
case!(
    license_without_name,
    doc("paths: {}\n").replace("  version: '1'\n", "  version: '1'\n  license:\n    url: https://x\n")
);
case!(server_without_url, doc("servers:\n  - url: https://a\n  - description: no url\npaths: {}\n"));

#[test]
fn lenient_mode_reads_omitted_required_fields_the_one_safe_way() {
    let text = "openapi: 3.1.0\ninfo:\n  title: T\n  license:\n    url: https://x\nservers:\n  - description: nowhere\n  - url: https://api.example.com\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {type: string}\ncomponents:\n  responses:\n    Gone:\n      content: {}\n";
    let mut options = clientgen::Options::for_spec(Path::new("specs/case.yaml"), "{ path = \"../runtime\" }");
    options.lenient = true;
    let files = clientgen::generate(Path::new("specs/case.yaml"), text, &options).unwrap();
    let lib = &files.iter().find(|f| f.path.ends_with("lib.rs")).unwrap().contents;
    // The server without a URL is left out: the one with a URL is the default.
    assert!(lib.contains("DEFAULT_BASE_URL: &'static str = \"https://api.example.com\""), "{lib}");
    assert!(lib.contains("pub fn get_a(&self)"), "{lib}");
    // Strict mode names each, the first here.
    let err = generate(text).unwrap_err();
    assert_eq!(err.pointer, "/info");
    assert!(err.to_string().contains("OpenAPI 3.1.0: `info` has no `version`"), "{err}");
}
