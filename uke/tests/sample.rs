//! The repository sample `RECEIPTC_GAIRAI_SAMPLE.UKE` (75 外来 receipts, 診療年月 2021-10).
//! Every figure asserted here was checked by reading the raw file.

use std::collections::BTreeMap;

use uke::{DetailItem, RecordBody, UkeDate, UkeMonth, UkeReader, UnitKind};

use crate::common::sample_bytes;

#[test]
fn record_stream_reads_every_line_without_error() {
    let Some(bytes) = sample_bytes() else { return };
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut n = 0u64;
    for r in UkeReader::new(bytes.as_slice()) {
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        n += 1;
        assert_eq!(r.number, n, "records are numbered from 1 by line");
        *kinds.entry(r.kind().to_owned()).or_default() += 1;
    }
    assert_eq!(n, 636);
    let expect: BTreeMap<String, usize> = [
        ("CO", 56),
        ("GO", 1),
        ("HO", 69),
        ("IR", 1),
        ("IY", 32),
        ("KO", 71),
        ("RE", 75),
        ("SI", 320),
        ("SN", 2),
        ("SY", 9),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(kinds, expect);
}

#[test]
fn receipts_and_reconciliation() {
    let Some(bytes) = sample_bytes() else { return };
    let mut it = UkeReader::new(bytes.as_slice()).receipts();
    let mut receipts = Vec::new();
    for r in it.by_ref() {
        receipts.push(r.unwrap_or_else(|e| panic!("{e}")));
    }
    assert_eq!(receipts.len(), 75);
    assert_eq!(it.receipts_seen(), 75);

    // Order and RE record numbers.
    for (i, r) in receipts.iter().enumerate() {
        assert_eq!(r.order, i + 1);
        assert_eq!(r.re.receipt_no as usize, i + 1, "レセプト番号 runs 1..75");
    }
    assert_eq!(receipts[0].record_number, 2);
    assert_eq!(receipts[3].record_number, 56);
    assert_eq!(receipts[6].record_number, 71);
    assert_eq!(receipts[74].record_number, 630);

    // Payer records, computed from the receipts.
    let ho_count = receipts.iter().filter(|r| r.ho().is_some()).count();
    let ko_count: usize = receipts.iter().map(|r| r.ko().len()).sum();
    let ho_total: u64 = receipts
        .iter()
        .filter_map(|r| r.ho())
        .map(|h| u64::from(h.total_points))
        .sum();
    let kohi_only: Vec<_> = receipts.iter().filter(|r| r.is_kohi_only()).collect();
    let kohi_only_total: u64 = kohi_only.iter().map(|r| u64::from(r.ko()[0].total_points)).sum();
    assert_eq!(ho_count, 69);
    assert_eq!(ko_count, 71);
    assert_eq!(ho_total, 81_880);
    assert_eq!(kohi_only.len(), 6);
    assert_eq!(kohi_only_total, 4_512);
    assert!(kohi_only
        .iter()
        .all(|r| r.re.receipt_type == "1212" && r.re.is_kohi_only()));

    // Rule (a): Σ 点数 × 回数 = HO (or 公費単独 KO) 合計点数, for every receipt.
    for r in &receipts {
        assert_eq!(Some(r.units_total()), r.recorded_total(), "receipt {}", r.order);
        assert!(r.check().is_empty(), "receipt {}: {:?}", r.order, r.check());
    }

    // Rule (b): GO.
    let go = it.go().expect("GO read").clone();
    assert_eq!(go.total_count, 140);
    assert_eq!(go.total_points, 86_392);
    assert_eq!(go.volume, "99");
    assert_eq!(u64::from(go.total_count), (ho_count + ko_count) as u64);
    assert_eq!(go.total_points, ho_total + kohi_only_total);
    let t = it.tally();
    assert_eq!(
        (
            t.receipts,
            t.ho_records,
            t.ko_records,
            t.ho_points,
            t.kohi_only_receipts,
            t.kohi_only_points
        ),
        (75, 69, 71, 81_880, 6, 4_512)
    );
    assert_eq!(it.check_go(), Some(vec![]));

    // IR.
    let ir = it.ir().expect("IR read");
    assert_eq!(ir.claim_month, UkeMonth::new(2021, 11).unwrap());
    assert_eq!(ir.prefecture, "12");
    assert_eq!(ir.fee_table, "1");
    assert_eq!(ir.facility_code, "0000000");
    assert_eq!(ir.phone, "05012345678");
}

#[test]
fn whole_file_parse_matches_streaming() {
    let Some(bytes) = sample_bytes() else { return };
    let f = uke::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.receipts.len(), 75);
    assert!(f.check().is_empty(), "{:?}", f.check());
    assert_eq!(f.tally().expected_count(), 140);
    assert_eq!(f.tally().expected_total(), 86_392);
    let streamed: Vec<_> = UkeReader::new(bytes.as_slice())
        .receipts()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(streamed, f.receipts);
}

#[test]
fn typed_values_spot_checks() {
    let Some(bytes) = sample_bytes() else { return };
    let f = uke::parse_bytes(&bytes).unwrap();

    // Receipt 1: `RE,1,1122,202110,テスト　汎用,1,19911121,,,,,28,,00697,…,テストハンヨウ,`
    let r1 = &f.receipts[0];
    assert_eq!(r1.re.receipt_type, "1122");
    assert_eq!(r1.re.service_month, UkeMonth::new(2021, 10).unwrap());
    assert_eq!(r1.re.name, "テスト　汎用");
    assert_eq!(r1.re.sex, "1");
    assert_eq!(r1.re.birth_date, UkeDate::new(1991, 11, 21).unwrap());
    assert_eq!(r1.re.special_note_codes(), vec!["28"]);
    assert_eq!(r1.re.chart_no, "00697");
    assert_eq!(r1.re.name_kana, "テストハンヨウ");
    assert_eq!(r1.re_fields.len(), 38);
    // `HO,01010016,１,１,1,13642,…` and `KO,83136019,1111111,,1,677,1354,,,,,`
    let ho = r1.ho().unwrap();
    assert_eq!((ho.insurer_no.as_str(), ho.card_symbol.as_str()), ("01010016", "１"));
    assert_eq!((ho.days, ho.total_points), (Some(1), 13_642));
    let ko = r1.ko();
    assert_eq!(ko.len(), 1);
    assert_eq!(ko[0].payer_no, "83136019");
    assert_eq!(ko[0].recipient_no, "1111111");
    assert_eq!((ko[0].total_points, ko[0].patient_burden), (677, Some(1354)));
    // `SY,0000999,20210909,1,,テスト,,` (record 6)
    let sy = r1.sy();
    assert_eq!(sy.len(), 3);
    assert_eq!(sy[1].code, "0000999");
    assert_eq!(sy[1].name, "テスト");
    assert_eq!(sy[1].start_date, Some(UkeDate::new(2021, 9, 9).unwrap()));
    assert_eq!(sy[0].main, "01");
    // Record 8: `SI,11,2,111000110,,288,1,…` — 初診料 288 点 once, on the 1st.
    let first = &r1.lines.iter().find(|l| l.number == 8).unwrap().body;
    let RecordBody::Si(si) = first else {
        panic!("record 8 is not SI: {first:?}")
    };
    assert_eq!(si.section.as_deref(), Some("11"));
    assert_eq!(si.burden, "2");
    assert_eq!(si.code, "111000110");
    assert_eq!((si.quantity, si.points, si.count), (None, Some(288), Some(1)));
    assert_eq!(si.days.get(1), 1);
    assert_eq!(si.days.iter().collect::<Vec<_>>(), vec![(1, 1)]);
    // Receipt 1 units: 12, the 手術 drugs unit has 8 IY lines closed by `IY,,1,620000402,2,865,1`.
    let units = r1.units();
    assert_eq!(units.len(), 12);
    let drugs = &units[9];
    assert_eq!(drugs.section, Some("50"));
    assert_eq!(drugs.lines.len(), 8);
    assert_eq!((drugs.points(), drugs.count()), (Some(865), Some(1)));
    let closing = drugs.closing_line().unwrap();
    assert_eq!(closing.number, 29);
    let DetailItem::Iy(iy) = closing.item else {
        panic!("not IY")
    };
    assert_eq!((iy.code.as_str(), iy.quantity.as_deref()), ("620000402", Some("2")));
    // The 頓服 unit opened by `CO,22,2,810000001,疼痛時` then `IY,,2,620098801,1,1,2`.
    let tonpuku = &units[3];
    assert_eq!(tonpuku.section, Some("22"));
    assert_eq!(
        tonpuku.comments().map(|c| c.text.as_str()).collect::<Vec<_>>(),
        vec!["疼痛時"]
    );
    assert_eq!(
        (tonpuku.points(), tonpuku.count(), tonpuku.amount()),
        (Some(1), Some(2), 2)
    );
    assert_eq!(tonpuku.days().unwrap().get(1), 2);
    // Burden split: 第1公費 bears the 負担区分 2 lines (677), not the 1 lines.
    assert_eq!(r1.payer_units_total(uke::Payer::Kohi(1)), 677);
    assert_eq!(r1.payer_units_total(uke::Payer::Insurance), 13_642);

    // Receipt 2, record 36: `IY,33,1,620004422,1,203,1,…` on the 11th.
    let r2 = &f.receipts[1];
    let l36 = r2.detail_lines().into_iter().find(|l| l.number == 36).unwrap();
    let DetailItem::Iy(iy) = l36.item else {
        panic!("record 36 not IY")
    };
    assert_eq!(iy.section.as_deref(), Some("33"));
    assert_eq!(iy.code, "620004422");
    assert_eq!(iy.quantity.as_deref(), Some("1"));
    assert_eq!((iy.points, iy.count), (Some(203), Some(1)));
    assert_eq!(iy.days.iter().collect::<Vec<_>>(), vec![(11, 1)]);
    assert_eq!(r2.service_days(), vec![11]);

    // Receipt 3: the 検体検査 ladder `SI,60 … SI,,1,160155390,,3671,1` is one 4-line unit.
    let r3 = &f.receipts[2];
    let u = r3.units();
    let ladder = u.iter().find(|u| u.points() == Some(3671)).unwrap();
    assert_eq!(ladder.lines.len(), 4);
    assert_eq!(ladder.first_record_number(), 45);
    assert_eq!(ladder.section, Some("60"));
    assert_eq!(r3.sy()[0].modifier_codes(), vec!["8002"]);

    // Receipt 4 (record 56, 公費単独 1212): `SI,11,5,111014070,,,1` + `SI,,5,111000110,,293,1`.
    let r4 = &f.receipts[3];
    assert_eq!(r4.record_number, 56);
    assert!(r4.ho().is_none());
    assert_eq!(r4.re.birth_date, UkeDate::new(2021, 1, 27).unwrap());
    assert_eq!(r4.ko()[0].total_points, 431);
    assert_eq!(r4.recorded_total(), Some(431));
    let shoshin = &r4.units()[0];
    assert_eq!(shoshin.kind, UnitKind::Priced);
    assert_eq!(
        shoshin.priced_lines().map(|l| l.code()).collect::<Vec<_>>(),
        vec!["111014070", "111000110"]
    );
    assert_eq!((shoshin.points(), shoshin.count()), (Some(293), Some(1)));

    // Receipt 7: `SI,12,2,112007410,,73,2` on the 5th and the 12th; HO 34130021 記号 １９Ｄ０００１.
    let r7 = &f.receipts[6];
    let saishin = r7
        .units()
        .into_iter()
        .find(|u| u.closing_line().map(|l| l.code()) == Some("112007410"))
        .unwrap();
    assert_eq!((saishin.points(), saishin.count()), (Some(73), Some(2)));
    assert_eq!(
        saishin.days().unwrap().iter().collect::<Vec<_>>(),
        vec![(5, 1), (12, 1)]
    );
    assert_eq!(r7.ho().unwrap().card_symbol, "１９Ｄ０００１");

    // Receipt 57, record 494: `IY,,2,620006538,70,125,1` — 使用量 70 (枚).
    let r57 = &f.receipts[56];
    let l = r57.detail_lines().into_iter().find(|l| l.number == 494).unwrap();
    let DetailItem::Iy(iy) = l.item else {
        panic!("record 494 not IY")
    };
    assert_eq!(
        (iy.code.as_str(), iy.quantity.as_deref(), iy.points),
        ("620006538", Some("70"), Some(125))
    );

    // Comments: a 85xxxxxxx date comment keeps its full-width 和暦 data as text; a 99
    // comment with its continuation forms one comment-only group.
    let r49 = &f.receipts[48];
    let groups = r49.units();
    let last = groups.last().unwrap();
    assert_eq!(last.kind, UnitKind::CommentOnly);
    assert_eq!(last.section, Some("99"));
    let texts: Vec<_> = last.comments().map(|c| (c.code.as_str(), c.text.as_str())).collect();
    assert_eq!(texts.len(), 2);
    assert_eq!(texts[0].0, "850100051");
    assert!(texts[0].1.starts_with("５０１１２２５／"));
    assert_eq!(texts[1], ("850100051", "）"));

    // SN: `SN,1,01,,,,00,,` on receipt 2.
    let sn = r2.sn();
    assert_eq!(sn.len(), 1);
    assert_eq!(
        (
            sn[0].payer_kind.as_str(),
            sn[0].confirmation.as_str(),
            sn[0].branch_no.as_str()
        ),
        ("1", "01", "00")
    );
}

#[test]
fn section_totals_add_up() {
    let Some(bytes) = sample_bytes() else { return };
    let f = uke::parse_bytes(&bytes).unwrap();
    let mut all: BTreeMap<String, u64> = BTreeMap::new();
    for r in &f.receipts {
        let st = r.section_totals();
        assert_eq!(st.values().sum::<u64>(), r.units_total());
        for (k, v) in st {
            *all.entry(k).or_default() += v;
        }
    }
    // Codes used in the sample (spec §5.1), 99 carries no points.
    let keys: Vec<_> = all.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec!["11", "12", "13", "22", "23", "25", "31", "33", "40", "50", "60", "70", "80"]
    );
    assert_eq!(all.values().sum::<u64>(), 86_392);
}
