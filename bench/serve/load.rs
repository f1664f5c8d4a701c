//! A small HTTP/1.1 load generator for `factop serve` (bench/serve/run.sh runs it):
//! CONCURRENCY connections with keep-alive, each sending the same POST body one
//! request after another until REQUESTS are answered in all. Prints one JSON line:
//! requests, errors (any status but 200, or a broken connection), wall seconds,
//! requests/s and latency percentiles in milliseconds.
//!
//! ```text
//! cargo run --release --example serve-load -- ADDR PATH BODY_FILE CONCURRENCY REQUESTS
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 {
        eprintln!("usage: serve-load ADDR PATH BODY_FILE CONCURRENCY REQUESTS");
        std::process::exit(2);
    }
    let addr = args[1].clone();
    let path = args[2].clone();
    let body = std::fs::read(&args[3]).expect("body file");
    let concurrency: usize = args[4].parse().expect("concurrency");
    let total: usize = args[5].parse().expect("requests");
    let request = {
        let mut r = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(&body);
        Arc::new(r)
    };
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (addr, request, issued) = (addr.clone(), Arc::clone(&request), Arc::clone(&issued));
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                let mut conn: Option<BufReader<TcpStream>> = None;
                while issued.fetch_add(1, Ordering::Relaxed) < total {
                    let t = Instant::now();
                    let ok = (|| -> std::io::Result<bool> {
                        if conn.is_none() {
                            let s = TcpStream::connect(&addr)?;
                            s.set_nodelay(true)?;
                            s.set_read_timeout(Some(Duration::from_secs(120)))?;
                            conn = Some(BufReader::new(s));
                        }
                        let c = conn.as_mut().unwrap();
                        c.get_mut().write_all(&request)?;
                        let (status, close) = read_response(c)?;
                        if close {
                            conn = None;
                        }
                        Ok(status == 200)
                    })();
                    match ok {
                        Ok(true) => latencies.push(t.elapsed()),
                        Ok(false) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            conn = None;
                        }
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.join().expect("worker");
        latencies.extend(l);
        errors += e;
    }
    let wall = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |q: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies[i].as_secs_f64() * 1000.0
    };
    println!(
        "{{\"requests\": {}, \"errors\": {errors}, \"wall_s\": {wall:.3}, \"rps\": {:.1}, \"p50_ms\": {:.3}, \"p90_ms\": {:.3}, \"p99_ms\": {:.3}, \"max_ms\": {:.3}}}",
        latencies.len() + errors,
        latencies.len() as f64 / wall,
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0),
    );
}

/// Read one response; (status, whether the server closes the connection).
fn read_response(c: &mut BufReader<TcpStream>) -> std::io::Result<(u16, bool)> {
    let mut line = String::new();
    if c.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0usize;
    let mut chunked = false;
    let mut close = false;
    loop {
        line.clear();
        c.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let lower = l.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        } else if lower.starts_with("connection:") && lower.contains("close") {
            close = true;
        }
    }
    if chunked {
        loop {
            line.clear();
            c.read_line(&mut line)?;
            let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            let mut skip = vec![0u8; n + 2];
            c.read_exact(&mut skip)?;
            if n == 0 {
                break;
            }
        }
    } else {
        let mut skip = vec![0u8; length];
        c.read_exact(&mut skip)?;
    }
    Ok((status, close))
}
