//! Rebuilding receipts from computed lines: the sample rebuilt from its own recorded figures is
//! byte-identical; changed points, removed and derived lines, split units and re-dated months
//! give receipts that read back and reconcile.

use uke::{ComputedLine, DateStyle, GoTally, RebuildOptions, Rebuilt, Receipt, UkeWriter, UnitKind};

use crate::common::*;

/// The recorded figures of a receipt as computed lines: per unit and day, every SI/IY/TO line
/// with the day's count, the unit's 点数 on its closing line and 0 on the others.
fn recorded_lines(r: &Receipt) -> Vec<ComputedLine> {
    let mut v = Vec::new();
    for u in r.units() {
        if u.kind != UnitKind::Priced {
            continue;
        }
        let closing = u.closing_line().map(|l| l.number);
        for l in u.priced_lines() {
            for (day, c) in l.days().expect("SI/IY/TO").iter() {
                v.push(ComputedLine {
                    date: r.re.service_month.day(day).unwrap(),
                    code: l.code().to_owned(),
                    points: if Some(l.number) == closing {
                        i64::from(u.points().unwrap())
                    } else {
                        0
                    },
                    count: u32::from(c),
                    section: u.section.unwrap_or("").to_owned(),
                    source: Some(l.number),
                });
            }
        }
    }
    v
}

fn opts(r: &Receipt, first_record: u64) -> RebuildOptions {
    RebuildOptions {
        receipt_no: r.re.receipt_no,
        order: r.order,
        first_record,
        style: DateStyle::Western,
        amounts: None,
    }
}

/// Writes IR, the rebuilt receipts and a GO computed from them.
fn write_file(ir: &uke::Record, rebuilt: &[Rebuilt]) -> Vec<u8> {
    let mut w = UkeWriter::new(Vec::new());
    w.write_record(ir, None).unwrap();
    let mut tally = GoTally::default();
    for rb in rebuilt {
        for o in &rb.records {
            let at = uke::At {
                receipt: Some(rb.receipt.reference()),
                source_record: o.source_record,
            };
            w.write_fields(&o.record.fields, o.record.raw.as_deref(), o.strict, at)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        tally.add(&rb.receipt);
    }
    w.write_fields(
        &[
            "GO".into(),
            tally.expected_count().to_string(),
            tally.expected_total().to_string(),
            "99".into(),
        ],
        None,
        uke::Strict::ALL,
        Default::default(),
    )
    .unwrap();
    w.finish().unwrap()
}

#[test]
fn the_sample_rebuilt_from_its_own_figures_is_byte_identical() {
    let Some(bytes) = sample_bytes() else { return };
    let f = uke::parse_bytes(&bytes).unwrap();
    let mut rebuilt = Vec::new();
    for r in &f.receipts {
        let rb = uke::rebuild(r, &recorded_lines(r), &opts(r, r.record_number)).unwrap_or_else(|e| panic!("{e}"));
        assert!(rb.notes.is_empty(), "receipt {}: {:?}", r.order, rb.notes);
        assert_eq!(rb.receipt.lines.len(), r.lines.len());
        rebuilt.push(rb);
    }
    let out = write_file(&f.ir_record, &rebuilt);
    assert!(out == bytes, "the rebuilt sample differs");
}

/// IR, a 医保+公費 receipt (再診 on 3 days with a 99 comment, a 頓服 unit opened by a CO line,
/// a 60 unit of two lines), a 公費単独 receipt, GO.
fn two_receipts() -> uke::UkeFile {
    let lines = vec![
        ir(),
        re(1, "1122", "19911121"),
        ho(3, 1485),
        rec(
            12,
            &["KO", "83136019", "1111111", "", "3", "1485", "2970", "", "", "", "", ""],
        ),
        rec(8, &["SY", "2500013", "20210801", "1", "", "", "01", ""]),
        line(
            ["SI", "12", "2", "112007410", "", "73", "3"],
            &[(5, 1), (12, 1), (19, 1)],
        ), // 6
        "CO,22,2,810000001,疼痛時".to_owned(),                           // 7
        line(["IY", "", "2", "620098801", "1", "1", "2"], &[(5, 2)]),    // 8
        line(["SI", "60", "2", "160008010", "", "", "1"], &[(12, 1)]),   // 9
        line(["SI", "", "2", "160093810", "", "1264", "1"], &[(12, 1)]), // 10
        "CO,99,2,810000001,コメント".to_owned(),                         // 11
        re(2, "1212", "20210127"),
        ko(1, 288),
        si("11", "111000110", "288", "1", &[(4, 1)]).replace("SI,11,1,", "SI,11,5,"),
        go(3, 1773),
    ];
    let f = uke::parse_bytes(&file(&lines)).unwrap_or_else(|e| panic!("{e}"));
    assert!(f.check().is_empty(), "{:?}", f.check());
    f
}

fn day(f: &uke::UkeFile, d: u8) -> uke::UkeDate {
    f.receipts[0].re.service_month.day(d).unwrap()
}

fn cl(date: uke::UkeDate, code: &str, points: i64, count: u32, section: &str, source: Option<u64>) -> ComputedLine {
    ComputedLine {
        date,
        code: code.into(),
        points,
        count,
        section: section.into(),
        source,
    }
}

fn shown(rb: &Rebuilt) -> Vec<String> {
    rb.records.iter().map(|o| o.record.fields.join(",")).collect()
}

#[test]
fn recalculated_points_removed_and_derived_lines() {
    let f = two_receipts();
    let r = &f.receipts[0];
    let d = |n| day(&f, n);
    // 再診 75 on the 5th and 12th but 73 on the 19th (split unit); the 頓服 drug unpriced
    // (its unit and CO line dropped); 160008010 removed (the 60 unit keeps one line, 1140);
    // a derived 外来管理加算 52 on the 5th and 12th (placed after the 12 units).
    let lines = vec![
        cl(d(5), "112007410", 75, 1, "12", Some(6)),
        cl(d(12), "112007410", 75, 1, "12", Some(6)),
        cl(d(19), "112007410", 73, 1, "12", Some(6)),
        cl(d(12), "160093810", 1140, 1, "60", Some(10)),
        cl(d(5), "112011010", 52, 1, "12", None),
        cl(d(12), "112011010", 52, 1, "12", None),
    ];
    let rb = uke::rebuild(r, &lines, &opts(r, 2)).unwrap_or_else(|e| panic!("{e}"));
    let day_cols = |days: &[(usize, u32)]| {
        let mut v = vec![String::new(); 31];
        for &(d, c) in days {
            v[d - 1] = c.to_string();
        }
        v.join(",")
    };
    let total = 75 * 2 + 73 + 1140 + 52 * 2;
    assert_eq!(
        shown(&rb),
        vec![
            r.re_fields.join(","),
            rec(15, &["HO", "01010016", "１", "１", "3", &total.to_string()]),
            // 負担金額 2970 (of 1485 点) left empty: the points changed.
            rec(12, &["KO", "83136019", "1111111", "", "3", &total.to_string(), ""]),
            rec(8, &["SY", "2500013", "20210801", "1", "", "", "01", ""]),
            format!("SI,12,2,112007410,,75,2,,,,,,,{}", day_cols(&[(5, 1), (12, 1)])),
            format!("SI,12,2,112007410,,73,1,,,,,,,{}", day_cols(&[(19, 1)])),
            format!("SI,,2,112011010,,52,2,,,,,,,{}", day_cols(&[(5, 1), (12, 1)])),
            format!("SI,60,2,160093810,,1140,1,,,,,,,{}", day_cols(&[(12, 1)])),
            "CO,99,2,810000001,コメント".to_owned(),
        ]
    );
    let notes = rb.notes.join("\n");
    for n in [
        "unit at record 6 written as 2 units",
        "unit at record 7 (620098801) dropped: none of its lines was billed, with its CO line(s)",
        "112011010 (12) added: 52 点 × 2, 負担区分 2",
        "第1公費 KO 負担金額 2970 left empty: 合計点数 1485 → 1467",
    ] {
        assert!(notes.contains(n), "{n} not in\n{notes}");
    }
    // It reads back and reconciles; the 60 unit lost its first line, so its remaining line
    // carries the 診療識別.
    assert!(rb.receipt.check().is_empty(), "{:?}", rb.receipt.check());
    assert_eq!(rb.receipt.units_total(), total as u64);
    assert_eq!(rb.receipt.section_totals()["12"], 75 * 2 + 73 + 52 * 2);

    // Burden amounts given: written, for HO and KO alike.
    let mut o = opts(r, 2);
    o.amounts = Some(uke::Amounts {
        insurance: Some(1000),
        kohi: vec![uke::KohiAmounts {
            burden: Some(2934),
            outpatient_copay: None,
        }],
    });
    let rb = uke::rebuild(r, &lines, &o).unwrap();
    assert_eq!(rb.records[1].record.fields[11], "1000");
    assert_eq!(rb.records[2].record.fields[6], "2934");
}

#[test]
fn a_re_dated_receipt_and_a_kohi_only_receipt() {
    let f = two_receipts();
    let r = &f.receipts[1];
    let july = uke::UkeMonth::new(2024, 7).unwrap();
    let lines = vec![cl(july.day(4).unwrap(), "111000110", 291, 1, "11", Some(14))];
    let mut o = opts(r, 10);
    o.receipt_no = 7;
    let rb = uke::rebuild(r, &lines, &o).unwrap();
    let s = shown(&rb);
    assert!(s[0].starts_with("RE,7,1212,202407,"), "{}", s[0]);
    assert_eq!(s[1], rec(12, &["KO", "12143210", "0000000", "", "1", "291", ""]));
    assert!(rb
        .notes
        .iter()
        .any(|n| n == "診療年月 2021-10 → 2024-07 (the recalculation's dates)"));
    assert_eq!(rb.receipt.record_number, 10);
    assert_eq!(rb.receipt.recorded_total(), Some(291));
}

#[test]
fn what_cannot_be_rebuilt_is_an_error() {
    let f = two_receipts();
    let r = &f.receipts[0];
    let d = day(&f, 5);
    let o = opts(r, 2);
    let err = |lines: Vec<ComputedLine>| uke::rebuild(r, &lines, &o).unwrap_err().to_string();
    assert_eq!(
        err(vec![]),
        "receipt 1 (RE at record 2): no line was billed: a receipt without 摘要 lines cannot be written"
    );
    assert!(err(vec![cl(d, "620000001", 5, 1, "21", None)])
        .contains("IY 620000001 (診療識別 21), whose 使用量 is not known"));
    assert!(err(vec![cl(d, "112007410", -3, 1, "12", Some(6))]).contains("-3 points cannot be written"));
    assert!(err(vec![cl(d, "112007410", 73, 1, "12", Some(7))]).contains("names record 7, which is no SI/IY/TO line"));
    let other = uke::UkeMonth::new(2021, 11).unwrap().day(1).unwrap();
    assert!(err(vec![
        cl(d, "112007410", 73, 1, "12", Some(6)),
        cl(other, "112007410", 73, 1, "12", Some(6))
    ])
    .contains("two months"));
}
