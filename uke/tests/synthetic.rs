//! Small synthetic files: grouping into 算定単位 (spec §4), date forms, file ends, the
//! records the sample lacks, and the reconciliation issues.

use uke::{Issue, RecordBody, UkeDate, UkeMonth, UkeReader, UnitKind};

use crate::common::*;

#[test]
fn era_dates_and_lf_and_eof_mark() {
    // A 2019 (和暦) file: 請求年月 43101 = 平成31年1月, 生年月日 4070208 = 平成7年2月8日.
    let lines = vec![
        "IR,1,13,1,1234567,,医療法人　オルカ医院,43101,00,03-3946-0001".to_owned(),
        re(1, "1112", "4070208").replace(",202110,", ",43012,"),
        ho(1, 288),
        rec(8, &["SY", "0000999", "4301201", "1", "", "かぜ", "01"]),
        si("11", "111000110", "288", "1", &[(1, 1)]),
        go(1, 288),
    ];
    let mut bytes = file(&lines);
    bytes.push(0x1A); // MS-DOS end-of-file mark after the last CRLF
    let f = uke::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.ir.claim_month, UkeMonth::new(2019, 1).unwrap());
    assert_eq!(f.ir.facility_name, "医療法人　オルカ医院");
    let r = &f.receipts[0];
    assert_eq!(r.re.service_month, UkeMonth::new(2018, 12).unwrap());
    assert_eq!(r.re.birth_date, UkeDate::new(1995, 2, 8).unwrap());
    assert_eq!(r.sy()[0].start_date, Some(UkeDate::new(2018, 12, 1).unwrap()));
    assert_eq!(r.re.birth_date.to_string(), "1995-02-08");
    assert!(f.check().is_empty(), "{:?}", f.check());

    // Bare LF line ends are accepted too.
    let lf: Vec<u8> = file(&small_file_lines()).into_iter().filter(|&b| b != b'\r').collect();
    assert_eq!(uke::parse_bytes(&lf).unwrap().receipts.len(), 2);
}

#[test]
fn national_health_insurer_number_keeps_its_spaces() {
    let mut lines = small_file_lines();
    lines[2] = rec(15, &["HO", "  133066", "", "１２３", "1", "288"]);
    let f = uke::parse_bytes(&file(&lines)).unwrap();
    assert_eq!(f.receipts[0].ho().unwrap().insurer_no, "  133066");
}

#[test]
fn grouping_rules() {
    // 診療識別 inheritance, CO opening a unit, a unit closed by 点数, a ladder, a new unit
    // after a closed one in the same block, and trailing 99 comments.
    let lines = vec![
        ir(),
        re(1, "1122", "19911121"),
        ho(1, 800),
        ko(1, 800),
        line(["SI", "60", "2", "160068410", "", "", "1"], &[(3, 1)]), // 5: ladder start
        line(["SI", "", "2", "160093810", "", "", "1"], &[(3, 1)]),   // 6
        line(["SI", "", "2", "160155390", "", "500", "1"], &[(3, 1)]), // 7: closes 500 × 1
        line(["SI", "", "2", "160008010", "", "21", "1"], &[(3, 1)]), // 8: same block, new unit
        "CO,21,2,810000001,１日３回毎食後".to_owned(),                // 9: opens a 21 unit
        line(["IY", "", "2", "620000001", "3", "", "7"], &[(3, 7)]),  // 10
        line(["IY", "", "2", "620000002", "0.5", "25", "7"], &[(3, 7)]), // 11: 25 × 7
        "CO,99,2,810000001,コメント".to_owned(),                      // 12
        "CO,,2,810000001,続き".to_owned(),                            // 13
        go(2, 800),
    ];
    let f = uke::parse_bytes(&file(&lines)).unwrap_or_else(|e| panic!("{e}"));
    let r = &f.receipts[0];
    let u = r.units();
    let shape: Vec<_> = u
        .iter()
        .map(|u| {
            (
                u.block,
                u.section,
                u.kind,
                u.first_record_number(),
                u.lines.len(),
                u.points(),
                u.count(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (0, Some("60"), UnitKind::Priced, 5, 3, Some(500), Some(1)),
            (0, Some("60"), UnitKind::Priced, 8, 1, Some(21), Some(1)),
            (1, Some("21"), UnitKind::Priced, 9, 3, Some(25), Some(7)),
            (2, Some("99"), UnitKind::CommentOnly, 12, 2, None, None),
        ]
    );
    assert_eq!(r.units_total(), 500 + 21 + 175);
    // Quantities keep their decimal text.
    let RecordBody::Iy(iy) = &r.lines.iter().find(|l| l.number == 11).unwrap().body else {
        panic!()
    };
    assert_eq!(iy.quantity.as_deref(), Some("0.5"));
    // 696 recorded would be right; 800 is not: rule (a) and the KO check fire.
    let issues = r.check();
    assert!(issues.contains(&Issue::ReceiptTotalMismatch {
        receipt: r.reference(),
        recorded: 800,
        computed: 696
    }));
    assert!(issues.iter().any(|i| matches!(
        i,
        Issue::KohiTotalMismatch {
            kohi: 1,
            recorded: 800,
            computed: 696,
            ..
        }
    )));
    // GO counts HO + KO = 2 and Σ HO = 800: it reconciles.
    assert!(f.tally().check(&f.go).is_empty());
    assert_eq!(r.section_totals().get("21"), Some(&175));
    assert_eq!(r.service_days(), vec![3]);
}

#[test]
fn reconciliation_issues() {
    let mut lines = small_file_lines();
    // Receipt 1: a unit whose lines never carry 点数, and a 回数 that the days do not match.
    lines[3] = si("11", "111000110", "", "1", &[(1, 1)]);
    lines.insert(4, si("13", "113001810", "225", "2", &[(1, 1)]));
    // GO off by one in both figures.
    let n = lines.len();
    lines[n - 1] = go(3, 435);
    let f = uke::parse_bytes(&file(&lines)).unwrap_or_else(|e| panic!("{e}"));
    let issues = f.check();
    let r1 = f.receipts[0].reference();
    assert!(
        issues.contains(&Issue::UnitWithoutPoints {
            receipt: r1,
            record_number: 4
        }),
        "{issues:?}"
    );
    assert!(
        issues.contains(&Issue::DayCountMismatch {
            receipt: r1,
            record_number: 5,
            count: 2,
            days_total: 1
        }),
        "{issues:?}"
    );
    assert!(
        issues.contains(&Issue::ReceiptTotalMismatch {
            receipt: r1,
            recorded: 288,
            computed: 450
        }),
        "{issues:?}"
    );
    assert!(
        issues.contains(&Issue::GoCountMismatch {
            recorded: 3,
            computed: 2
        }),
        "{issues:?}"
    );
    assert!(
        issues.contains(&Issue::GoTotalMismatch {
            recorded: 435,
            computed: 434
        }),
        "{issues:?}"
    );
    assert!(issues.iter().all(|i| !i.to_string().is_empty()));

    // A 負担区分 naming a 公費 the receipt has no KO for.
    let mut lines = small_file_lines();
    lines[3] = line(["SI", "11", "2", "111000110", "", "288", "1"], &[(1, 1)]);
    let f = uke::parse_bytes(&file(&lines)).unwrap();
    assert!(f
        .check()
        .iter()
        .any(|i| matches!(i, Issue::BadBurden { record_number: 4, .. })));
}

#[test]
fn kohi_only_receipt_uses_first_ko() {
    let lines = vec![
        ir(),
        re(1, "1212", "20210127"),
        ko(1, 293),
        line(["SI", "11", "5", "111014070", "", "", "1"], &[(4, 1)]),
        line(["SI", "", "5", "111000110", "", "293", "1"], &[(4, 1)]),
        go(1, 293),
    ];
    let f = uke::parse_bytes(&file(&lines)).unwrap();
    let r = &f.receipts[0];
    assert!(r.is_kohi_only() && r.re.is_kohi_only() && !r.re.is_inpatient());
    assert_eq!(r.recorded_total(), Some(293));
    assert!(f.check().is_empty(), "{:?}", f.check());
}

#[test]
fn records_missing_from_the_sample() {
    let mut to: Vec<String> = ["TO", "", "1", "700010000", "2", "50", "1", "001", "12.5", "", "ガーゼ"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    to.resize(48, String::new());
    to[17] = "1".into(); // day 1 = field 18
    let mut jd = vec!["JD".to_owned(), "1".to_owned()];
    jd.resize(33, String::new());
    jd[2] = "1".into(); // day 1
    let mut mf = vec!["MF".to_owned(), "01".to_owned()];
    mf.resize(33, String::new());
    let lines = vec![
        ir(),
        re(1, "1112", "19911121"),
        ho(1, 338),
        "KH,国保連固有".to_owned(),
        jd.join(","),
        mf.join(","),
        "GR,01".to_owned(),
        si("40", "140000610", "288", "1", &[(1, 1)]),
        to.join(","),
        "SJ,01,咳、発熱、倦怠感".to_owned(),
        go(1, 338),
    ];
    let f = uke::parse_bytes(&file(&lines)).unwrap_or_else(|e| panic!("{e}"));
    let r = &f.receipts[0];
    let kinds: Vec<_> = r.lines.iter().map(|l| l.kind()).collect();
    assert_eq!(kinds, vec!["HO", "KH", "JD", "MF", "GR", "SI", "TO", "SJ"]);
    for l in &r.lines {
        match &l.body {
            RecordBody::Jd(jd) => {
                assert_eq!(jd.days[0], Some(1));
                assert_eq!(jd.days[1], None);
            }
            RecordBody::Mf(mf) => assert_eq!(mf.class, "01"),
            RecordBody::Kh(kh) => assert_eq!(kh.text, "国保連固有"),
            RecordBody::Other { kind } => assert_eq!(kind, "GR"),
            RecordBody::To(to) => {
                assert_eq!(to.code, "700010000");
                assert_eq!(to.unit_code, "001");
                assert_eq!(to.unit_price.as_deref(), Some("12.5"));
                assert_eq!(to.product_name, "ガーゼ");
                assert_eq!(to.days.get(1), 1);
            }
            RecordBody::Sj(sj) => assert_eq!(sj.text, "咳、発熱、倦怠感"),
            _ => {}
        }
    }
    // The TO line has an empty 診療識別 and joins the 40 block as its own unit.
    let u = r.units();
    assert_eq!(u.len(), 2);
    assert_eq!((u[1].section, u[1].amount()), (Some("40"), 50));
    assert!(f.check().is_empty(), "{:?}", f.check());
}

#[test]
fn reader_yields_one_result_per_line() {
    let mut lines = small_file_lines();
    lines[3] = si("11", "111000110", "x", "1", &[(1, 1)]);
    let bytes = file(&lines);
    let results: Vec<_> = UkeReader::new(bytes.as_slice()).collect();
    assert_eq!(results.len(), 8);
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
    assert_eq!(results[3].as_ref().unwrap_err().record_number(), 4);
    assert_eq!(results[7].as_ref().unwrap().kind(), "GO");
}

#[test]
fn serializes_to_json() {
    let f = uke::parse_bytes(&file(&small_file_lines())).unwrap();
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v["ir"]["claim_month"], "2021-11");
    let re = &v["receipts"][1];
    assert_eq!(re["order"], 2);
    assert_eq!(re["record_number"], 5);
    assert_eq!(re["re"]["birth_date"], "1980-01-01");
    let si = &re["lines"][1];
    assert_eq!(si["body"]["type"], "Si");
    assert_eq!(si["body"]["points"], 73);
    assert_eq!(si["body"]["days"][4], 1);
    assert_eq!(v["go"]["total_points"], 434);
    let issue = serde_json::to_value(uke::Issue::GoCountMismatch {
        recorded: 1,
        computed: 2,
    })
    .unwrap();
    assert_eq!(issue["GoCountMismatch"]["computed"], 2);
}
