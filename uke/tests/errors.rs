//! Malformed inputs built from small inline strings (encoded to Shift_JIS in the test).
//! Each error must name the record (line) number, and the field where it applies.

use uke::{ErrorKind, UkeError, UkeReader};

use crate::common::*;

/// Parses with `parse_bytes` and returns the error.
fn parse_err(bytes: &[u8]) -> UkeError {
    match uke::parse_bytes(bytes) {
        Ok(f) => panic!("expected an error, parsed {} receipts", f.receipts.len()),
        Err(e) => e,
    }
}

fn assert_at(e: &UkeError, record: u64, field: Option<usize>) {
    assert_eq!(e.record_number(), record, "{e}");
    assert_eq!(e.field(), field, "{e}");
    let msg = e.to_string();
    assert!(msg.contains(&format!("record {record}")), "{msg}");
    if let Some(f) = field {
        assert!(msg.contains(&format!("field {f}")), "{msg}");
    }
}

#[test]
fn the_small_file_is_valid() {
    let f = uke::parse_bytes(&file(&small_file_lines())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.receipts.len(), 2);
    assert!(f.check().is_empty(), "{:?}", f.check());
}

#[test]
fn truncated_mid_record() {
    let mut bytes = file(&small_file_lines()[..4]);
    // Cut inside the SI line (record 4): drop the CRLF and the last columns.
    bytes.truncate(bytes.len() - 20);
    let e = parse_err(&bytes);
    assert!(matches!(e.kind(), ErrorKind::Truncated { .. }), "{e}");
    assert_at(&e, 4, None);
    assert!(e.to_string().contains("truncated"), "{e}");
    // Through receipts(): the error is attached to receipt 1 (RE at record 2).
    let items: Vec<_> = UkeReader::new(bytes.as_slice()).receipts().collect();
    assert_eq!(items.len(), 1);
    let e = items[0].as_ref().unwrap_err();
    assert_eq!(e.record_number(), 4);
    let r = e.receipt().expect("tagged with its receipt");
    assert_eq!((r.order, r.record_number), (1, 2));
    assert!(e.to_string().starts_with("receipt 1 (RE at record 2): record 4"), "{e}");
}

#[test]
fn truncated_without_go() {
    let lines = small_file_lines();
    let bytes = file(&lines[..lines.len() - 1]); // 7 complete records, no GO
    let e = parse_err(&bytes);
    assert!(matches!(e.kind(), ErrorKind::Truncated { .. }), "{e}");
    assert_at(&e, 8, None);
    assert!(e.to_string().contains("without a GO record"), "{e}");
    // Streaming: both receipts are complete as read and yielded; the missing GO is the file's
    // error, tagged with no receipt (docs/batch.md: `"receipt": null`), so no receipt is lost.
    let items: Vec<_> = UkeReader::new(bytes.as_slice()).receipts().collect();
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_ok());
    let e = items[2].as_ref().unwrap_err();
    assert_eq!(e.record_number(), 8);
    assert!(e.receipt().is_none(), "{e}");
}

#[test]
fn last_record_without_crlf_is_truncated() {
    let mut bytes = file(&small_file_lines());
    bytes.truncate(bytes.len() - 2); // "GO,2,434,99" without CRLF
    let e = parse_err(&bytes);
    assert!(matches!(e.kind(), ErrorKind::Truncated { .. }), "{e}");
    assert_at(&e, 8, None);
}

#[test]
fn empty_file() {
    let e = parse_err(b"");
    assert!(matches!(e.kind(), ErrorKind::Truncated { .. }), "{e}");
    assert_at(&e, 1, None);
}

#[test]
fn unknown_record_type_spoils_only_its_receipt() {
    let mut lines = small_file_lines();
    lines.insert(3, "ZZ,1,2".to_owned()); // record 4, inside receipt 1
    let bytes = file(&lines);
    let e = parse_err(&bytes);
    assert!(
        matches!(e.kind(), ErrorKind::UnknownRecordType { kind } if kind == "ZZ"),
        "{e}"
    );
    assert_at(&e, 4, Some(1));
    assert!(e.to_string().contains("unknown record type `ZZ`"), "{e}");

    let mut it = UkeReader::new(bytes.as_slice()).receipts();
    let items: Vec<_> = it.by_ref().collect();
    assert_eq!(items.len(), 2);
    let e = items[0].as_ref().unwrap_err();
    assert_eq!(e.record_number(), 4);
    assert_eq!(e.receipt().map(|r| r.order), Some(1));
    let r2 = items[1].as_ref().unwrap();
    assert_eq!((r2.order, r2.record_number), (2, 6));
    assert_eq!(it.go().map(|g| g.total_count), Some(2));
    // Only the good receipt is tallied, so GO (which counts both) no longer reconciles.
    assert_eq!(it.check_go().map(|v| v.len()), Some(2));
}

#[test]
fn bad_date_month_13() {
    let mut lines = small_file_lines();
    lines[1] = re(1, "1112", "19911321"); // 生年月日 month 13
    let e = parse_err(&file(&lines));
    assert!(matches!(e.kind(), ErrorKind::BadDate { .. }), "{e}");
    assert_at(&e, 2, Some(7));
    assert!(e.to_string().contains("month 13"), "{e}");
    assert_eq!(e.field_name(), Some("生年月日"));

    // 診療年月 `202113` in the second receipt's RE (record 5, field 4).
    let mut lines = small_file_lines();
    lines[4] = re(2, "1112", "19800101").replace(",202110,", ",202113,");
    let bytes = file(&lines);
    let e = parse_err(&bytes);
    assert_at(&e, 5, Some(4));
    // The first receipt is still delivered.
    let items: Vec<_> = UkeReader::new(bytes.as_slice()).receipts().collect();
    assert!(items[0].is_ok());
    assert_eq!(items[1].as_ref().unwrap_err().record_number(), 5);

    // A day that does not exist, 和暦 form: 平成31年2月29日.
    let mut lines = small_file_lines();
    lines[1] = re(1, "1112", "4310229");
    let e = parse_err(&file(&lines));
    assert_at(&e, 2, Some(7));
}

#[test]
fn bad_number() {
    let mut lines = small_file_lines();
    lines[3] = si("11", "111000110", "28a", "1", &[(1, 1)]);
    let e = parse_err(&file(&lines));
    assert!(
        matches!(e.kind(), ErrorKind::BadInteger { value, .. } if value == "28a"),
        "{e}"
    );
    assert_at(&e, 4, Some(6));
    assert_eq!(e.field_name(), Some("点数"));

    // Full-width digits in a 数字 field (HO 合計点数, record 3 field 6).
    let mut lines = small_file_lines();
    lines[2] = rec(15, &["HO", "01010016", "１", "１", "1", "２８８"]);
    let e = parse_err(&file(&lines));
    assert_at(&e, 3, Some(6));

    // A day column with a letter (SI record 7, day 12 = field 25).
    let mut lines = small_file_lines();
    let mut f: Vec<String> = lines[6].split(',').map(String::from).collect();
    assert_eq!(f[24], "1");
    f[24] = "x".into();
    lines[6] = f.join(",");
    let e = parse_err(&file(&lines));
    assert!(matches!(e.kind(), ErrorKind::BadInteger { .. }), "{e}");
    assert_at(&e, 7, Some(25));

    // Out of range: GO 総件数 beyond u32.
    let mut lines = small_file_lines();
    lines[7] = "GO,99999999999,434,99".to_owned();
    let e = parse_err(&file(&lines));
    assert_at(&e, 8, Some(2));
}

#[test]
fn wrong_field_count() {
    let mut lines = small_file_lines();
    let si = si("11", "111000110", "288", "1", &[(1, 1)]);
    lines[3] = si.rsplit_once(',').unwrap().0.to_owned(); // 43 fields
    let e = parse_err(&file(&lines));
    assert!(
        matches!(e.kind(), ErrorKind::FieldCount { kind, expected: 44, found: 43, exact: true } if kind == "SI"),
        "{e}"
    );
    assert_at(&e, 4, None);
    assert!(e.to_string().contains("SI record has 43 fields, expected 44"), "{e}");

    // Too few HO fields (record 6).
    let mut lines = small_file_lines();
    lines[5] = "HO,01010016,１,１,2,146".to_owned();
    let e = parse_err(&file(&lines));
    assert_at(&e, 6, None);
    assert!(e.to_string().contains("expected at least 15"), "{e}");

    // SI with 45 fields is also wrong: the day columns are positional.
    let mut lines = small_file_lines();
    lines[3].push(',');
    let e = parse_err(&file(&lines));
    assert_at(&e, 4, None);

    // Extra trailing fields on IR are tolerated (newer spec versions append fields).
    let mut lines = small_file_lines();
    lines[0].push_str(",1");
    assert!(uke::parse_bytes(&file(&lines)).is_ok());
}

#[test]
fn not_shift_jis() {
    let mut bytes = file(&small_file_lines());
    // Put 0xFF (never valid in Shift_JIS) inside RE 氏名 (record 2, field 5).
    let name = sjis("テスト　太郎");
    let pos = bytes.windows(name.len()).position(|w| w == name.as_slice()).unwrap();
    bytes[pos + 2] = 0xFF;
    let e = parse_err(&bytes);
    assert!(matches!(e.kind(), ErrorKind::Encoding { .. }), "{e}");
    assert_at(&e, 2, Some(5));
    assert!(e.to_string().contains("Shift_JIS"), "{e}");
}

#[test]
fn record_order() {
    // No IR first.
    let lines = small_file_lines();
    let e = parse_err(&file(&lines[1..]));
    assert!(matches!(e.kind(), ErrorKind::Structure { .. }), "{e}");
    assert_at(&e, 1, None);

    // A record after GO.
    let mut lines = small_file_lines();
    lines.push(ho(1, 1));
    let e = parse_err(&file(&lines));
    assert_at(&e, 9, None);
    assert!(e.to_string().contains("after the GO record"), "{e}");

    // HO before the first RE.
    let mut lines = small_file_lines();
    lines.insert(1, ho(1, 1));
    let e = parse_err(&file(&lines));
    assert_at(&e, 2, None);

    // Two HO in one receipt.
    let mut lines = small_file_lines();
    lines.insert(3, ho(1, 288));
    let e = parse_err(&file(&lines));
    assert_at(&e, 4, None);
    assert_eq!(e.receipt().map(|r| r.order), Some(1));

    // Data after the 0x1A end-of-file mark.
    let mut bytes = file(&small_file_lines());
    bytes.extend_from_slice(b"\x1aXX");
    let e = parse_err(&bytes);
    assert!(matches!(e.kind(), ErrorKind::Structure { .. }), "{e}");

    // A blank line.
    let mut lines = small_file_lines();
    lines.insert(4, String::new());
    let e = parse_err(&file(&lines));
    assert!(matches!(e.kind(), ErrorKind::EmptyRecord), "{e}");
    assert_at(&e, 5, None);
}

#[test]
fn several_bad_receipts_are_all_reported() {
    let mut lines = small_file_lines();
    lines[3] = si("11", "111000110", "x", "1", &[(1, 1)]); // receipt 1, record 4
    lines[6] = si("12", "11200741", "73", "2", &[(5, 1), (12, 1)]); // receipt 2, record 7: 8-digit code
    let bytes = file(&lines);
    let items: Vec<_> = UkeReader::new(bytes.as_slice()).receipts().collect();
    let errs: Vec<_> = items
        .iter()
        .map(|r| {
            let e = r.as_ref().unwrap_err();
            (e.receipt().unwrap().order, e.record_number(), e.field())
        })
        .collect();
    assert_eq!(errs, vec![(1, 4, Some(6)), (2, 7, Some(4))]);
}

/// docs/limits.md: a receipt holds at most `MAX_RECORDS_PER_RECEIPT` records; past it that
/// receipt is one error and the next receipt is still read (issue 11: nothing unbounded).
#[test]
fn a_receipt_over_the_record_limit_is_one_error_and_the_next_is_read() {
    let mut lines = small_file_lines();
    let extra: Vec<String> = (0..uke::MAX_RECORDS_PER_RECEIPT)
        .map(|_| si("11", "111000110", "288", "1", &[(1, 1)]))
        .collect();
    lines.splice(4..4, extra);
    let bytes = file(&lines);
    let items: Vec<_> = UkeReader::new(bytes.as_slice()).receipts().collect();
    assert_eq!(items.len(), 2);
    let e = items[0].as_ref().unwrap_err();
    assert!(e.to_string().contains("more than 100000 records in one receipt"), "{e}");
    assert!(items[1].is_ok(), "the second receipt is read");
}
