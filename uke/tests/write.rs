//! The writer: records read and written back are byte-identical (the staged sample and
//! synthetic files covering what the sample lacks), typed records give back the fields they
//! were read from, and values outside the 仕様 are reported, never cut.

use uke::{DateStyle, Problem, Record, RecordBody, Strict, UkeReader, UkeWriter};

use crate::common::*;

/// Reads `bytes` and writes every record back (IR, receipts, GO) as read.
fn write_back(bytes: &[u8]) -> (Vec<u8>, Vec<String>) {
    let mut receipts = UkeReader::new(bytes).receipts();
    let mut w = UkeWriter::new(Vec::new());
    let mut first = true;
    while let Some(r) = receipts.next() {
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        if first {
            w.write_record(receipts.ir_record().expect("IR"), None).unwrap();
            first = false;
        }
        w.write_receipt(&r).unwrap_or_else(|e| panic!("{e}"));
    }
    w.write_record(receipts.go_record().expect("GO"), None).unwrap();
    let notes = w.notes().iter().map(|n| n.to_string()).collect();
    (w.finish().unwrap(), notes)
}

/// Every record of `bytes`, typed, written back from its typed body (no raw bytes, every
/// field strict except those outside the 仕様 in the input).
fn typed_fields_equal_read_fields(bytes: &[u8]) -> usize {
    let mut n = 0;
    for rec in UkeReader::new(bytes) {
        let rec = rec.unwrap_or_else(|e| panic!("{e}"));
        if matches!(rec.body, RecordBody::Other { .. }) {
            continue;
        }
        // The record's own date form (a record without dates writes the same in both).
        let style = rec
            .fields
            .iter()
            .enumerate()
            .find(|(i, v)| {
                !v.is_empty()
                    && uke::layout::field_spec(rec.kind(), i + 1)
                        .is_some_and(|s| matches!(s.kind, uke::layout::Kind::Date | uke::layout::Kind::Month))
            })
            .and_then(|(_, v)| DateStyle::of_field(v))
            .unwrap_or(DateStyle::Western);
        assert_eq!(
            rec.body.to_fields(style).unwrap(),
            rec.fields,
            "record {} ({})",
            rec.number,
            rec.kind()
        );
        n += 1;
    }
    n
}

#[test]
fn the_sample_is_written_back_byte_for_byte() {
    let Some(bytes) = sample_bytes() else { return };
    let (out, notes) = write_back(&bytes);
    assert_eq!(out.len(), 38_775);
    assert!(out == bytes, "the written file differs from the sample");
    assert!(out.ends_with(b"GO,140,86392,99\r\n"));
    // The sample holds values wider than the 仕様 (test data): reported, kept as read.
    assert!(
        notes
            .iter()
            .any(|n| n.contains("SY field 6 (傷病名称)") && n.contains("216 bytes, the field allows 40")),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("RE field 5 (氏名)") && n.contains("44 bytes, the field allows 40")),
        "{notes:#?}"
    );
    assert!(
        notes.iter().all(|n| n.contains("bytes, the field allows")),
        "{notes:#?}"
    );
    // Every record's typed content writes the same fields (636 − 0 untyped records).
    assert_eq!(typed_fields_equal_read_fields(&bytes), 636);
}

/// A synthetic file with what the sample lacks: 和暦 dates, TO/JD/MF/KH/SJ/GR records, CO
/// continuation lines, a 公費単独 receipt, lines with several 算定日 columns, empty fields,
/// a 6-digit 国保 保険者番号 with its two spaces.
fn edge_file() -> Vec<String> {
    let mut to: Vec<String> = ["TO", "", "1", "700010000", "2", "50", "1", "001", "12.5", "", "ガーゼ"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    to.resize(48, String::new());
    to[17] = "1".into();
    let mut jd = vec!["JD".to_owned(), "1".to_owned()];
    jd.resize(33, String::new());
    jd[2] = "1".into();
    let mut mf = vec!["MF".to_owned(), "01".to_owned()];
    mf.resize(33, String::new());
    vec![
        ir(),
        re(1, "1112", "19911121"),
        rec(15, &["HO", "  133066", "", "１２３", "4", "559"]),
        "KH,国保連固有".to_owned(),
        rec(9, &["SN", "1", "01", "", "", "", "00", "", ""]),
        jd.join(","),
        mf.join(","),
        "GR,01".to_owned(),
        rec(8, &["SY", "0000999", "20210909", "1", "", "かぜ", "01", ""]),
        si("12", "112007410", "73", "3", &[(5, 1), (12, 1), (26, 1)]),
        si("40", "140000610", "288", "1", &[(1, 1)]),
        to.join(","),
        "CO,22,1,810000001,疼痛時".to_owned(),
        line(["IY", "", "1", "620098801", "1", "1", "2"], &[(1, 2)]),
        "CO,99,1,810000001,皮下注射　０－０－２０".to_owned(),
        "CO,,1,850100051,）".to_owned(),
        "SJ,01,咳、発熱、倦怠感".to_owned(),
        re(2, "1212", "20210127"),
        ko(1, 293),
        line(["SI", "11", "5", "111014070", "", "", "1"], &[(4, 1)]),
        line(["SI", "", "5", "111000110", "", "293", "1"], &[(4, 1)]),
        go(2, 852),
    ]
}

#[test]
fn synthetic_edges_are_written_back_byte_for_byte() {
    let bytes = file(&edge_file());
    let f = uke::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert!(f.check().is_empty(), "{:?}", f.check());
    let (out, notes) = write_back(&bytes);
    assert_eq!(out, bytes);
    assert!(notes.is_empty(), "{notes:?}");
    // 22 records, every one typed except GR.
    assert_eq!(typed_fields_equal_read_fields(&bytes), 21);

    // A 和暦 file (請求 平成31年1月) keeps its era dates.
    let mut era = small_file_lines();
    era[0] = era[0].replace(",202111,", ",43101,");
    for l in era.iter_mut().filter(|l| l.starts_with("RE")) {
        *l = l
            .replace(",202110,", ",43012,")
            .replace(",19911121,", ",4031121,")
            .replace(",19800101,", ",3550101,");
    }
    let bytes = file(&era);
    let (out, _) = write_back(&bytes);
    assert_eq!(out, bytes);
    assert_eq!(typed_fields_equal_read_fields(&bytes), 8);
}

#[test]
fn eof_mark_only_when_asked() {
    let lines = small_file_lines();
    let bytes = file(&lines);
    let f = uke::parse_bytes(&bytes).unwrap();
    for (mark, tail) in [(false, b"99\r\n".as_slice()), (true, b"99\r\n\x1a".as_slice())] {
        let mut w = UkeWriter::new(Vec::new()).eof_mark(mark);
        w.write_record(&f.ir_record, None).unwrap();
        for r in &f.receipts {
            w.write_receipt(r).unwrap();
        }
        w.write_record(&f.go_record, None).unwrap();
        let out = w.finish().unwrap();
        assert!(out.ends_with(tail));
        // Both forms read back.
        assert_eq!(uke::parse_bytes(&out).unwrap().receipts.len(), 2);
    }
}

#[test]
fn typed_records_built_in_memory_are_written_strictly() {
    let bytes = file(&small_file_lines());
    let f = uke::parse_bytes(&bytes).unwrap();
    // A new GO from typed values.
    let mut go = f.go.clone();
    go.total_count = 2;
    let mut w = UkeWriter::new(Vec::new());
    w.write_body(&RecordBody::Go(go.clone()), DateStyle::Western, Default::default())
        .unwrap();
    assert_eq!(w.finish().unwrap(), b"GO,2,434,99\r\n");
    // The RE in 和暦.
    let re = RecordBody::Re(Box::new(f.receipts[0].re.clone()));
    let era = re.to_fields(DateStyle::Era).unwrap();
    assert_eq!((era[3].as_str(), era[6].as_str()), ("50310", "4031121"));
    // A name too long for RE 氏名 (40 bytes) cannot be written from memory …
    let mut long = f.receipts[0].re.clone();
    long.name = "あ".repeat(21);
    let mut w = UkeWriter::new(Vec::new());
    let at = uke::At {
        receipt: Some(f.receipts[0].reference()),
        source_record: 0,
    };
    let e = w
        .write_body(&RecordBody::Re(Box::new(long.clone())), DateStyle::Western, at)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "receipt 1 (RE at record 2): RE field 5 (氏名) `{}`: 42 bytes, the field allows 40",
            "あ".repeat(21)
        )
    );
    assert_eq!(w.records_written(), 0, "nothing written for a failed record");
    // … while the same value passed through from a file is kept and noted.
    let rec = Record::from_body(2, RecordBody::Re(Box::new(long)), DateStyle::Western).unwrap();
    w.write_fields(&rec.fields, None, Strict::NONE, at).unwrap();
    assert!(matches!(
        w.notes()[0].issue.problem,
        Problem::TooLong { bytes: 42, max: 40 }
    ));
    // A character outside Shift_JIS is refused even when passed through.
    let mut bad = f.receipts[0].re.clone();
    bad.name = "テスト😀".into();
    let rec = Record::from_body(2, RecordBody::Re(Box::new(bad)), DateStyle::Western).unwrap();
    let e = w.write_fields(&rec.fields, None, Strict::NONE, at).unwrap_err();
    assert!(
        e.to_string()
            .contains("RE field 5 (氏名) `テスト😀`: `😀` (U+1F600) has no Shift_JIS code"),
        "{e}"
    );
}

fn run_normalize(bytes: &[u8]) -> (uke::Normalized, Vec<u8>) {
    uke::normalize(bytes, Vec::new()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn normalize_keeps_a_conforming_file_byte_for_byte() {
    let bytes = file(&edge_file());
    let (n, out) = run_normalize(&bytes);
    assert!(n.is_conforming(), "{:#?}", n.findings);
    assert_eq!(out, bytes);
    assert_eq!((n.records_read, n.records_written), (22, 22));
    // The end-of-file mark is kept when the input has one.
    let mut marked = bytes.clone();
    marked.push(0x1A);
    let (n, out) = run_normalize(&marked);
    assert!(n.eof_mark && n.is_identical());
    assert_eq!(out, marked);
}

#[test]
fn normalize_the_sample_is_identical_and_reports_the_wide_values() {
    let Some(bytes) = sample_bytes() else { return };
    let (n, out) = run_normalize(&bytes);
    assert!(n.is_identical());
    assert!(out == bytes, "normalize changed the sample");
    assert_eq!(n.records_written, 636);
    // Only values wider than the 仕様 (test data), each kept as read.
    let shown: Vec<String> = n.findings.iter().map(|f| f.to_string()).collect();
    assert!(!shown.is_empty());
    assert!(
        n.findings
            .iter()
            .all(|f| matches!(&f.kind, uke::FindingKind::Kept(i) if matches!(i.problem, Problem::TooLong { .. }))),
        "{shown:#?}"
    );
    assert!(
        shown
            .iter()
            .any(|s| s.contains("SY field 6 (傷病名称)") && s.contains("216 bytes")),
        "{shown:#?}"
    );
}

#[test]
fn normalize_writes_the_conforming_form_and_reports_each_record() {
    let mut lines = small_file_lines();
    lines[0] = "IR,1,12,1,１２３４５６７,,,202111,00,05012345678".into(); // full-width 医療機関コード
    lines[3] = si("11", "111000110", "0288", "1", &[(1, 1)]); // leading zeros in 点数
    lines.insert(4, "CO,11,1,810000001,ABC 1".into()); // half-width text in a 漢字 field
    lines.insert(4, rec(8, &["SY", "2500013", "5031001", "1", "", "", "01", ""])); // 和暦 in a 2021 file
    lines.insert(
        2,
        rec(
            15,
            &[
                "HO", "01010016", "１", "１", "1", "288", "", "", "", "", "", "", "", "", "",
            ],
        ),
    );
    lines.remove(3);
    // The 2nd receipt's name is too long for 氏名 (kept), and GO is wrong.
    lines[6] = lines[6].replace("テスト　太郎", &"テ".repeat(21));
    let last = lines.len() - 1;
    lines[last] = go(5, 1000);
    let mut bytes = file(&lines);
    // One bare LF line end (record 2).
    let first_crlf = bytes.windows(2).position(|w| w == b"\r\n").unwrap();
    let second = first_crlf + 2 + bytes[first_crlf + 2..].windows(2).position(|w| w == b"\r\n").unwrap();
    bytes.remove(second);
    let (n, out) = run_normalize(&bytes);
    let shown: Vec<String> = n.findings.iter().map(|f| f.to_string()).collect();
    assert!(!n.is_fatal() && !n.is_identical(), "{shown:#?}");
    let expect = [
        "record 1: fixed IR field 5 (医療機関コード): `１２３４５６７` → `1234567` (full-width digits in a 数字 field)",
        "record 2 (receipt 1, RE at record 2): bare LF line end → CRLF",
        "record 4 (receipt 1, RE at record 2): fixed SI field 6 (点数): `0288` → `288` (leading zeros)",
        "record 5 (receipt 1, RE at record 2): fixed SY field 3 (診療開始日): `5031001` → `20211001` (a 和暦 date in a file claimed from 2020-05 on (西暦 from then, spec §2))",
        "record 6 (receipt 1, RE at record 2): fixed CO field 5 (文字データ): `ABC 1` → `ＡＢＣ　１` (half-width characters in a 漢字 field)",
        "record 7 (receipt 2, RE at record 7): outside the 仕様, kept as read: RE field 5 (氏名) `テテテテテテテテテテテテテテテテテテテテテ`: 42 bytes, the field allows 40",
        "record 10: fixed GO 総件数/総合計点数 5/1000 → 2/434 (recomputed from the HO and KO records)",
    ];
    assert_eq!(shown, expect);
    // The output is the conforming form: it reads back, reconciles, and normalizes to itself
    // (the long name stays: it is reported again, and nothing else).
    let f = uke::parse_bytes(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!(f.check().is_empty(), "{:?}", f.check());
    assert_eq!(f.ir.facility_code, "1234567");
    assert!(!out
        .windows(1)
        .zip(0..)
        .any(|(w, i)| w == b"\n" && (i == 0 || out[i - 1] != b'\r')));
    let (again, out2) = run_normalize(&out);
    assert!(again.is_identical());
    assert_eq!(out2, out);
    assert_eq!(again.findings.len(), 1);
}

#[test]
fn normalize_reports_unreadable_records_as_fatal() {
    let mut lines = small_file_lines();
    lines[3] = si("11", "111000110", "x", "1", &[(1, 1)]);
    let (n, _) = run_normalize(&file(&lines));
    assert!(n.is_fatal());
    let shown: Vec<String> = n.findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with("unreadable: receipt 1 (RE at record 2): record 4, field 6 (点数)"),
        "{shown:?}"
    );
}
