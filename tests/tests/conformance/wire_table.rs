//! The style table as observed on the wire: for each parameter cell (location x style x explode x value
//! shape), the exact bytes the generated client sent for it, cut from the request the driver's proxy saw.
//! Printed with the verdicts, so a change of encoding shows in the test's output byte for byte.

/// One cell: where, how, what shape, and the bytes sent.
pub struct Cell {
    pub location: &'static str,
    pub style: &'static str,
    pub explode: bool,
    pub shape: &'static str,
    pub bytes: String,
}

/// The query parameters of `queryStyles`: name, style, explode, shape, and the keys an exploded form object
/// sends instead of its name.
const QUERY: &[(&str, &str, bool, &str, &[&str])] = &[
    ("scalar", "form", false, "scalar", &[]),
    ("scalarExploded", "form", true, "scalar", &[]),
    ("array", "form", false, "array", &[]),
    ("arrayExploded", "form", true, "array", &[]),
    ("object", "form", false, "object", &[]),
    ("objectExploded", "form", true, "object", &["r", "g", "b"]),
    ("spaced", "spaceDelimited", false, "array", &[]),
    ("piped", "pipeDelimited", false, "array", &[]),
    ("deep", "deepObject", true, "object", &[]),
    ("expand", "deepObject", true, "array", &[]),
];

/// The header and cookie parameters (`headerStyles`, `cookieStyles`): the name's stem, explode, shape.
const SHAPES: &[(&str, bool, &str)] = &[
    ("scalar", false, "scalar"),
    ("scalarExploded", true, "scalar"),
    ("array", false, "array"),
    ("arrayExploded", true, "array"),
    ("object", false, "object"),
    ("objectExploded", true, "object"),
];

/// The request line's target (`/path?query`).
fn target(request: &str) -> &str {
    request.lines().next().and_then(|line| line.split(' ').nth(1)).unwrap_or("")
}

/// A header's values as sent (`name: value`), matched without regard to case.
fn header_lines<'a>(request: &'a str, name: &str) -> Vec<&'a str> {
    let head = request.split("\r\n\r\n").next().unwrap_or("");
    head.lines()
        .skip(1)
        .filter(|line| line.split_once(':').is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case(name)))
        .collect()
}

/// Percent-decodes a query key (only to attribute a pair to its parameter; the table shows the raw bytes).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok()))
            .flatten();
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `pathSimpleArrayExploded` into `("simple", "array", true)`.
fn path_cell(call: &str) -> Option<(&'static str, &'static str, bool)> {
    let rest = call.strip_prefix("path")?;
    let (rest, explode) = rest.strip_suffix("Exploded").map_or((rest, false), |r| (r, true));
    let style = ["Simple", "Label", "Matrix"].into_iter().find(|s| rest.starts_with(s))?;
    let shape = &rest[style.len()..];
    let style = match style {
        "Simple" => "simple",
        "Label" => "label",
        _ => "matrix",
    };
    let shape = match shape {
        "Scalar" => "scalar",
        "Array" => "array",
        "Object" => "object",
        _ => return None,
    };
    Some((style, shape, explode))
}

/// The cells of one call's request.
pub fn cells(call: &str, request: &str) -> Vec<Cell> {
    if let Some((style, shape, explode)) = path_cell(call) {
        let path = target(request).split('?').next().unwrap_or("");
        let bytes = path.rsplit('/').next().unwrap_or("").to_owned();
        return vec![Cell { location: "path", style, explode, shape, bytes }];
    }
    match call {
        "queryStyles" => {
            let query = target(request).split_once('?').map_or("", |(_, q)| q);
            let pairs: Vec<&str> = query.split('&').collect();
            QUERY
                .iter()
                .map(|(name, style, explode, shape, keys)| {
                    let mine = pairs.iter().filter(|pair| {
                        let key = decode(pair.split('=').next().unwrap_or(""));
                        key == *name || key.starts_with(&format!("{name}[")) || keys.contains(&key.as_str())
                    });
                    let bytes = mine.copied().collect::<Vec<_>>().join("&");
                    Cell { location: "query", style, explode: *explode, shape, bytes }
                })
                .collect()
        }
        "headerStyles" => SHAPES
            .iter()
            .map(|(stem, explode, shape)| {
                let name = match *stem {
                    "scalar" => "X-Scalar",
                    "scalarExploded" => "X-Scalar-Exploded",
                    "array" => "X-Array",
                    "arrayExploded" => "X-Array-Exploded",
                    "object" => "X-Object",
                    _ => "X-Object-Exploded",
                };
                let bytes = header_lines(request, name).join(" | ");
                Cell { location: "header", style: "simple", explode: *explode, shape, bytes }
            })
            .collect(),
        "cookieStyles" => {
            let cookie = header_lines(request, "cookie").first().and_then(|l| l.split_once(':')).map_or("", |(_, v)| v);
            let pairs: Vec<&str> = cookie.trim().split("; ").collect();
            SHAPES
                .iter()
                .map(|(stem, explode, shape)| {
                    let keys: &[&str] = if *stem == "objectExploded" { &["R", "G", "B"] } else { &[] };
                    let mine = pairs.iter().filter(|pair| {
                        let key = pair.split('=').next().unwrap_or("");
                        key == *stem || keys.contains(&key)
                    });
                    let bytes = mine.copied().collect::<Vec<_>>().join("; ");
                    Cell { location: "cookie", style: "form", explode: *explode, shape, bytes }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// What else a call sent that the report shows: credentials and bodies (as Rust string literals, so line
/// breaks and the multipart boundary show exactly).
pub fn extras(call: &str, request: &str) -> Vec<String> {
    let (head, body) = request.split_once("\r\n\r\n").unwrap_or((request, ""));
    let mut lines = Vec::new();
    let credentials = ["authorization", "x-api-key", "cookie"];
    if call.starts_with("auth") {
        lines.push(format!("request line: {}", head.lines().next().unwrap_or("")));
        for name in credentials {
            lines.extend(header_lines(request, name).into_iter().map(str::to_owned));
        }
    }
    if !body.is_empty() {
        lines.extend(header_lines(request, "content-type").into_iter().map(str::to_owned));
        lines.push(format!("body: {body:?}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_cells_from_requests() {
        let request = "GET /path/matrix/array/exploded/;color=blue;color=black HTTP/1.1\r\nhost: x\r\n\r\n";
        let path = cells("pathMatrixArrayExploded", request);
        assert_eq!((path[0].style, path[0].shape, path[0].explode), ("matrix", "array", true));
        assert_eq!(path[0].bytes, ";color=blue;color=black");
        let request = "GET /query?deep%5Br%5D=100&r=1&expand%5B0%5D=a HTTP/1.1\r\n\r\n";
        let query = cells("queryStyles", request);
        let bytes = |name: &str| &query[QUERY.iter().position(|q| q.0 == name).unwrap()].bytes;
        assert_eq!(bytes("deep"), "deep%5Br%5D=100");
        assert_eq!(bytes("objectExploded"), "r=1");
        assert_eq!(bytes("expand"), "expand%5B0%5D=a");
    }
}
