//! A stand-in for the validator where it cannot serve a document (Prism never finishes loading Stripe's):
//! a loopback server that reads each request whole and answers `204 No Content`, so that every operation is
//! still called and its bytes recorded, without a verdict.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

/// Starts the sink on a free loopback port; its address. It serves until the process ends.
pub fn start() -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|err| format!("no loopback port: {err}"))?;
    let address = listener.local_addr().map_err(|err| err.to_string())?.to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    Ok(address)
}

/// Reads requests (head, then a `Content-Length` or chunked body) and answers each with 204.
fn serve(stream: TcpStream) {
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0usize;
        let mut chunked = false;
        let mut line = String::new();
        // The head: the request line and the headers, up to the empty line.
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let lower = line.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
            chunked |= lower.starts_with("transfer-encoding:") && lower.contains("chunked");
            if line == "\r\n" || line == "\n" {
                break;
            }
        }
        if chunked {
            // Chunks: a size line, the bytes and their line end; a size of 0 and the last line end.
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
                let mut skip = vec![0u8; size + 2];
                if reader.read_exact(&mut skip).is_err() {
                    return;
                }
                if size == 0 {
                    break;
                }
            }
        } else if reader.read_exact(&mut vec![0u8; length]).is_err() {
            return;
        }
        if writer.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_request_is_read_whole_and_answered_204() {
        let address = start().unwrap();
        let mut stream = TcpStream::connect(&address).unwrap();
        let requests = "POST /a HTTP/1.1\r\ncontent-length: 5\r\n\r\nhello\
                        POST /b HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        stream.write_all(requests.as_bytes()).unwrap();
        let mut answers = String::new();
        let mut reader = BufReader::new(stream);
        while answers.matches("204").count() < 2 {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            answers.push_str(&line);
        }
        assert_eq!(answers.matches("HTTP/1.1 204 No Content").count(), 2);
    }
}
