//! The bounds the master reader enforces (docs/limits.md, "Master files"): the size of one file and of
//! what a zip member inflates to, the number of errors listed per file, and the length of an
//! input value quoted in a message.

use masters::error::{ErrorKind, MAX_ECHO_CHARS, MAX_ERRORS_PER_FILE};
use masters::raw::MAX_FILE_BYTES;
use masters::{LoadOptions, Problem, Severity, Source};
use std::io::Write;
use std::path::Path;

fn source(path: &str, bytes: Vec<u8>) -> Source {
    Source {
        path: path.to_string(),
        bytes,
        layer: masters::Layer::Official,
    }
}

fn seed() -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid/seed/s_ALL20240601.csv");
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn load_error(name: &str, bytes: Vec<u8>) -> masters::Error {
    match masters::load_sources("test", vec![source(name, bytes)]) {
        Ok(set) => panic!("{name} loaded: {} files", set.files.len()),
        Err(e) => e,
    }
}

fn validate(name: &str, bytes: Vec<u8>) -> Vec<Problem> {
    masters::set::build(
        "test",
        vec![source(name, bytes)],
        Vec::new(),
        LoadOptions { collect_all: true },
    )
    .expect("build")
    .problems
}

/// A zip holding one member `name` whose content is `len` zero bytes ('0' digits), deflated.
fn zip_of_zeros(name: &str, len: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    w.start_file(name, opts).expect("zip member");
    let chunk = vec![b'0'; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        w.write_all(&chunk[..n]).expect("zip write");
        left -= n;
    }
    w.finish().expect("zip finish").into_inner()
}

/// Sets the uncompressed size of every entry, in the local header (offset 22) and the central
/// directory (offset 24), to `size`: a zip that lies about what it inflates to.
fn lie_about_size(zip: &mut [u8], size: u32) {
    let mut patched = 0;
    let mut i = 0;
    while i + 4 <= zip.len() {
        let at = match &zip[i..i + 4] {
            b"PK\x03\x04" => i + 22,
            b"PK\x01\x02" => i + 24,
            _ => {
                i += 1;
                continue;
            }
        };
        zip[at..at + 4].copy_from_slice(&size.to_le_bytes());
        patched += 1;
        i += 4;
    }
    assert_eq!(patched, 2, "one local header and one central directory entry");
}

#[test]
fn the_cap_is_64_mib() {
    assert_eq!(MAX_FILE_BYTES, 67_108_864);
    assert_eq!(MAX_ERRORS_PER_FILE, 100);
    assert_eq!(MAX_ECHO_CHARS, 200);
}

/// Finding 3a: a 100 MB member (≈ 100 KB deflated) is refused once 64 MiB + 1 byte have been
/// inflated, whatever its header says; before, the whole member was inflated into memory.
#[test]
fn a_zip_bomb_is_refused_while_inflating() {
    let mut bomb = zip_of_zeros("s_ALL20240601.csv", 100_000_000);
    assert!(bomb.len() < 1 << 20, "the bomb is small: {} bytes", bomb.len());
    let e = load_error("bomb/s_ALL20240601.zip", bomb.clone());
    assert_eq!(
        e.to_string(),
        "bomb/s_ALL20240601.zip:0:0: the zip member `s_ALL20240601.csv` (inflated) is larger than 64 MiB \
         (67108864 bytes), the most santei reads for one master file"
    );
    // The header's sizes are not what is checked: the same bomb declaring 1,000 bytes is refused
    // the same way.
    lie_about_size(&mut bomb, 1000);
    let e = load_error("bomb/s_ALL20240601.zip", bomb);
    assert!(matches!(*e.kind, ErrorKind::TooLarge { limit: 67_108_864, .. }), "{e}");
    // Validation reports it as the file's one error.
    let problems = validate("bomb/s_ALL20240601.zip", zip_of_zeros("s_ALL20240601.csv", 70_000_000));
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("larger than 64 MiB"), "{errors:?}");
}

/// A member of exactly 64 MiB is read (then fails as CSV, being all digits: one column).
#[test]
fn a_member_of_exactly_the_cap_is_read() {
    let e = load_error(
        "s_ALL20240601.zip",
        zip_of_zeros("s_ALL20240601.csv", MAX_FILE_BYTES as usize),
    );
    assert_eq!(e.to_string(), "s_ALL20240601.zip:1:0: 1 columns; this master has 150");
}

/// A plain CSV file larger than the cap is refused before it is parsed: in memory (a source)
/// and on disk (a folder), where the size is checked while reading.
#[test]
fn a_plain_file_over_the_cap_is_refused() {
    let big = vec![b'0'; MAX_FILE_BYTES as usize + 1];
    let e = load_error("s_ALL20240601.csv", big.clone());
    assert_eq!(
        e.to_string(),
        "s_ALL20240601.csv:0:0: the file is larger than 64 MiB (67108864 bytes), the most santei reads for one \
         master file"
    );
    let dir = std::env::temp_dir().join(format!("santei-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("s_ALL20240601.csv"), &big).unwrap();
    let r = masters::load_dir(&dir);
    let v = masters::validate_dir(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    let e = r.unwrap_err();
    assert_eq!(
        e.to_string(),
        "s_ALL20240601.csv:0:0: the file is larger than 64 MiB (67108864 bytes), the most santei reads for one \
         master file"
    );
    // Validation reports it as one error and goes on: here the set then has no s master.
    let errors: Vec<String> = v
        .unwrap()
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string().replace(&dir.display().to_string(), "<dir>"))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0], e.to_string());
    assert!(
        errors[1].starts_with("<dir>:0:0: no usable 医科診療行為マスター (s) in this set"),
        "{errors:#?}"
    );
}

/// `read_capped` stops at cap + 1 bytes of an endless stream.
#[test]
fn read_capped_stops_at_the_cap() {
    let mut endless = std::io::repeat(b'x');
    let (bytes, over) = masters::raw::read_capped(&mut endless, 1000, u64::MAX).unwrap();
    assert_eq!((bytes.len(), over), (1001, true));
    let (bytes, over) = masters::raw::read_capped(&mut &b"12345"[..], 5, 5).unwrap();
    assert_eq!((bytes.as_slice(), over), (&b"12345"[..], false));
}

/// xorshift64*: deterministic random bytes.
fn random_bytes(n: usize, mut x: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out.extend_from_slice(&x.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(n);
    out
}

/// Finding 3c: random bytes give one error per line; validation lists the first 100 of the file
/// and one "… and N more errors" with the rest, right after them.
#[test]
fn validation_lists_at_most_100_errors_per_file() {
    // 400 rows of the seed with column 3 (the code) broken: 400 errors of one kind at known lines.
    let seed = seed();
    let line1 = seed.split(|&b| b == b'\n').next().unwrap(); // with its CR
    let bad_row = replace(line1, b"\"119999910\"", b"\"11999991\"");
    let mut file = Vec::new();
    for _ in 0..400 {
        file.extend_from_slice(&bad_row);
        file.push(b'\n');
    }
    let problems = validate("s_20240601.csv", file.clone());
    let errors: Vec<&Problem> = problems.iter().filter(|p| p.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 101, "100 listed + 1 summary");
    assert_eq!(
        errors[99].to_string(),
        "s_20240601.csv:100:3: 診療行為コード: `11999991` is not a valid 9-digit code"
    );
    assert_eq!(
        errors[100].to_string(),
        "s_20240601.csv:0:0: … and 300 more errors in this file (only the first 100 are listed)"
    );
    assert!(matches!(*errors[100].error.kind, ErrorKind::MoreErrors { count: 300 }));
    // Another file keeps its own count; the summary stays right after its own file's errors.
    let two = masters::set::build(
        "test",
        vec![
            source("a/s_20240601.csv", file.clone()),
            source("b/s_20240602.csv", file.clone()),
        ],
        Vec::new(),
        LoadOptions { collect_all: true },
    )
    .unwrap()
    .problems;
    let files: Vec<(&str, bool)> = two
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| {
            (
                p.error.loc.file.as_str(),
                matches!(*p.error.kind, ErrorKind::MoreErrors { .. }),
            )
        })
        .collect();
    assert_eq!(files.len(), 202);
    assert_eq!(files[100], ("a/s_20240601.csv", true));
    assert_eq!(files[101], ("b/s_20240602.csv", false));
    assert_eq!(files[201], ("b/s_20240602.csv", true));
    // Loading still stops at the first error.
    let e = load_error("s_20240601.csv", file);
    assert_eq!(
        e.to_string(),
        "s_20240601.csv:1:3: 診療行為コード: `11999991` is not a valid 9-digit code"
    );

    // 2 MB of random bytes: thousands of bad lines, 101 problems.
    let problems = validate("s_20240601.csv", random_bytes(2 << 20, 0x5EED));
    let errors: Vec<&Problem> = problems.iter().filter(|p| p.severity == Severity::Error).collect();
    assert_eq!(errors.len(), MAX_ERRORS_PER_FILE + 1);
    match *errors[100].error.kind {
        ErrorKind::MoreErrors { count } => assert!(count > 1000, "{count} more"),
        ref k => panic!("{k:?}"),
    }
    let text: usize = problems.iter().map(|p| p.to_string().len()).sum();
    assert!(text < 101 * 400, "{text} bytes of messages");
}

/// `bytes` with the first `from` replaced by `to`.
fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let i = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern present");
    let mut out = bytes[..i].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&bytes[i + from.len()..]);
    out
}

/// An input value is quoted with at most 200 characters, cut on a character boundary.
#[test]
fn a_long_value_is_quoted_with_200_characters() {
    let seed = seed();
    // 1,000 Shift_JIS テ (0x83 0x65) in the 点数 column.
    let mut value = vec![b'"'];
    for _ in 0..1000 {
        value.extend_from_slice(&[0x83, 0x65]);
    }
    value.push(b'"');
    let file = replace(&seed, b"\"123.00\"", &value);
    let e = load_error("s_20240601.csv", file);
    let msg = e.to_string();
    let want = format!(
        "s_20240601.csv:1:12: 新又は現点数: `{}…` is not a valid decimal number",
        "テ".repeat(200)
    );
    assert_eq!(msg, want);
    match &*e.kind {
        ErrorKind::Value { value, .. } => assert_eq!(value.chars().count(), 201),
        k => panic!("{k:?}"),
    }
    assert_eq!(masters::error::echo("abc"), "abc");
    assert_eq!(masters::error::echo(&"x".repeat(201)), format!("{}…", "x".repeat(200)));
    assert_eq!(masters::error::echo(&"x".repeat(200)), "x".repeat(200));
}
