//! UKE → claim on the staged sample (`RECEIPTC_GAIRAI_SAMPLE.UKE`, 75 外来 receipts, 2021-10):
//! conversion, recorded figures, recalculation with unpriced lines, `--as-of` re-dating.
//! Needs the staged data (SANTEI_DATA, else ../shared/data); skipped loudly without it.

use engine::{Engine, Options};
use masters::MasterSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use uke::claim::{self, ConvertOptions, UnitCause};

/// The staged data folder, or `None` (with a SKIPPED line) when absent.
pub fn data_dir(test: &str) -> Option<PathBuf> {
    let d = match std::env::var_os("SANTEI_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")),
    };
    if d.join("uke/receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE").is_file() {
        Some(d)
    } else {
        eprintln!(
            "SKIPPED: {test}: staged data not found at {} (set SANTEI_DATA)",
            d.display()
        );
        None
    }
}

pub fn sample_path(data: &Path) -> PathBuf {
    data.join("uke/receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE")
}

/// A temporary folder holding copies of the given staged files (relative to `data/ssk`); copies,
/// because the master loader reads regular files only.
pub fn masters_dir(data: &Path, files: &[&str]) -> tempdir::TempDir {
    let t = tempdir::TempDir::new();
    for f in files {
        let src = data.join("ssk").join(f);
        let name = src.file_name().expect("file name");
        std::fs::copy(&src, t.path().join(name)).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    }
    t
}

/// 医科診療行為 valid in 2021-10 (s_ALL20220218) and in 2024-07 (s_ALL20240531); 医薬品 only
/// from 2023-04 (y_ALL20240115, y_ALL20240531): the sample's drug lines cannot be priced on
/// their own dates.
pub fn sample_masters(data: &Path) -> Arc<MasterSet> {
    static SET: OnceLock<Arc<MasterSet>> = OnceLock::new();
    SET.get_or_init(|| {
        let dir = masters_dir(
            data,
            &[
                "2022-02/s_ALL20220218.zip",
                "2024-02/y_ALL20240115.zip",
                "2024-06/s_ALL20240531.zip",
                "2024-06/y_ALL20240531.zip",
            ],
        );
        Arc::new(masters::load_dir(dir.path()).unwrap_or_else(|e| panic!("{e}")))
    })
    .clone()
}

fn receipts(data: &Path) -> Vec<uke::Receipt> {
    let bytes = std::fs::read(sample_path(data)).expect("sample");
    uke::UkeReader::new(bytes.as_slice())
        .receipts()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// Minimal temporary directory (no extra crate).
pub mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU32, Ordering};
    pub struct TempDir(PathBuf);
    impl TempDir {
        pub fn new() -> TempDir {
            static N: AtomicU32 = AtomicU32::new(0);
            let p = std::env::temp_dir().join(format!(
                "santei-test-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&p).expect("temp dir");
            TempDir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn every_sample_receipt_converts_and_recorded_points_reconcile() {
    let Some(data) = data_dir("every_sample_receipt_converts_and_recorded_points_reconcile") else {
        return;
    };
    let rs = receipts(&data);
    assert_eq!(rs.len(), 75);
    for r in &rs {
        let c = claim::receipt_to_claim(r, None, None).unwrap_or_else(|e| panic!("receipt {}: {e}", r.order));
        let rec = &c.recorded;
        // Σ 点数 × 回数 of the units = HO (or 公費単独 KO) 合計点数, through the conversion's view.
        let sum: u64 = rec.units.iter().map(|u| u.amount).sum();
        assert_eq!(Some(sum), rec.total, "receipt {}", r.order);
        assert_eq!(rec.units_total, sum);
        assert_eq!(rec.sections.values().sum::<u64>(), sum, "receipt {}", r.order);
        // Per-day view: Σ over unit days of 点数 × day count = the same total.
        let by_day: u64 = rec
            .units
            .iter()
            .map(|u| {
                u.days
                    .iter()
                    .map(|(_, c)| u64::from(*c) * u64::from(u.points.unwrap_or(0)))
                    .sum::<u64>()
            })
            .sum();
        assert_eq!(by_day, sum, "receipt {}", r.order);
        // One visit per service day; the sample's 診療実日数 equals the days with a count.
        assert_eq!(Some(c.claim.visits.len() as u16), rec.days, "receipt {}", r.order);
        assert_eq!(c.origins.len(), c.claim.visits.len());
        for (v, o) in c.claim.visits.iter().zip(&c.origins) {
            assert_eq!(v.items.len(), o.len());
        }
        // Defaults are never silent.
        assert!(
            c.assumptions
                .iter()
                .any(|a| a.contains("診療所 (clinic) with 0 beds assumed")),
            "receipt {}",
            r.order
        );
    }
    // Receipt 1: 初診 on the 1st (11 line), with drug 剤 under 22/23 and a 手術 with its drugs.
    let c = claim::receipt_to_claim(&rs[0], None, None).expect("receipt 1");
    let v = &c.claim.visits[0];
    assert_eq!(v.date.to_string(), "2021-10-01");
    assert_eq!(v.kind, engine::claim::VisitKind::First);
    assert_eq!(c.claim.patient.birth_date.to_string(), "1991-11-21");
    assert!(
        v.items.iter().any(|i| i.code == "111000110"),
        "the recorded base code stays listed"
    );
    let drug = v.items.iter().find(|i| i.code == "620098801").expect("22 drug");
    assert_eq!(drug.usage, Some(engine::claim::Usage::AsNeeded));
    assert_eq!(drug.days, Some(2));
    // The 手術's drug 剤 shares the 手術 unit's rp (priced under that part's rules).
    let op = v.items.iter().find(|i| i.code == "150253010").expect("手術");
    let op_drug = v.items.iter().find(|i| i.code == "620000402").expect("手術 drug");
    assert_eq!(op.rp, op_drug.rp);
    assert_eq!(op_drug.quantity, Some(rust_decimal::Decimal::from(2)));
}

#[test]
fn drug_lines_without_a_version_on_their_date_are_unpriced_with_the_engine_message() {
    let Some(data) = data_dir("drug_lines_without_a_version_on_their_date_are_unpriced_with_the_engine_message") else {
        return;
    };
    let set = sample_masters(&data);
    let engine = Engine::new(set.clone());
    let rs = receipts(&data);
    let o = ConvertOptions {
        facility: None,
        as_of: None,
        masters: Some(&set),
    };
    let c = claim::convert(&rs[0], &o).expect("convert");
    let x = claim::recalculate(&engine, &c, Options { trace: false }).expect("recalculate");
    let u = x
        .unpriced
        .iter()
        .find(|u| u.code == "620098801")
        .expect("620098801 unpriced");
    assert!(
        u.message
            .contains("620098801 has no version valid on 2021-10-01; versions: 2023-04-01"),
        "{}",
        u.message
    );
    assert_eq!(u.record, 12, "the IY line's record number");
    // The rest is computed: 初診料 at its 2021 price, the 手術 at the recorded 12,100.
    let line = |code: &str| {
        x.outcome
            .lines
            .iter()
            .find(|l| l.code == code)
            .unwrap_or_else(|| panic!("{code} billed"))
    };
    assert_eq!(line("111000110").points, 288);
    assert_eq!(line("150253010").points, 12100);
    // Every drug line of the receipt is unpriced, never priced silently.
    assert!(x.outcome.lines.iter().all(|l| l.code.kind() != Some(masters::Kind::Y)));
    assert_eq!(x.unpriced.len(), 13);
    // The comparison names the cause on the unit of that line.
    let d = x
        .comparison
        .differences
        .iter()
        .find(|d| d.codes == ["620098801"])
        .expect("difference");
    assert_eq!((d.recorded, d.recalculated), (2, 0));
    assert!(matches!(&d.causes[0], UnitCause::Unpriced { code, .. } if code == "620098801"));
    // A receipt with nothing unpriceable matches exactly: receipt 6, 初診料 288 only.
    let c6 = claim::convert(&rs[5], &o).expect("convert 6");
    let x6 = claim::recalculate(&engine, &c6, Options { trace: false }).expect("recalculate 6");
    assert!(x6.comparison.matches(), "{:?}", x6.comparison);
}

#[test]
fn as_of_re_dates_and_prices_the_drug_lines() {
    let Some(data) = data_dir("as_of_re_dates_and_prices_the_drug_lines") else {
        return;
    };
    let set = sample_masters(&data);
    let engine = Engine::new(set.clone());
    let rs = receipts(&data);
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 7, 1);
    let o = ConvertOptions {
        facility: None,
        as_of,
        masters: Some(&set),
    };
    let c = claim::convert(&rs[0], &o).expect("convert");
    assert!(c
        .assumptions
        .iter()
        .any(|a| a.contains("re-dated from 2021-10 to 2024-07")));
    let x = claim::recalculate(&engine, &c, Options { trace: false }).expect("recalculate");
    assert!(x.unpriced.is_empty(), "{:?}", x.unpriced);
    let drug = x
        .outcome
        .lines
        .iter()
        .find(|l| l.code == "620098801")
        .expect("drug priced");
    assert_eq!(drug.date.to_string(), "2024-07-01");
    assert!(drug.points > 0);
    assert_eq!(drug.section, "22");
    // The 手術's drugs are priced as one 剤 under 50 (J300/K940 rule: 15円以下 0点).
    let op_drug = x
        .outcome
        .lines
        .iter()
        .find(|l| l.code == "620000402")
        .expect("手術 drug");
    assert_eq!(op_drug.section, "50");
    // 初診料 288 (2021) → 291 (2024-06 master): a points difference naming the master row.
    let d = x
        .comparison
        .differences
        .iter()
        .find(|d| d.codes == ["111000110"])
        .expect("初診料 differs");
    assert_eq!((d.recorded, d.recalculated), (288, 291));
    match &d.causes[0] {
        UnitCause::Points {
            recorded,
            recalculated,
            detail,
        } => {
            assert_eq!((*recorded, *recalculated), (288, 291));
            assert!(detail.contains("s_ALL20240531.zip:"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    // Day 31 → a 30-day month: clamped, and said so.
    let sept = chrono::NaiveDate::from_ymd_opt(2024, 9, 1);
    for r in &rs {
        let c = claim::convert(
            r,
            &ConvertOptions {
                facility: None,
                as_of: sept,
                masters: None,
            },
        )
        .expect("convert");
        assert!(c
            .claim
            .visits
            .iter()
            .all(|v| v.date.format("%Y-%m").to_string() == "2024-09"));
    }
}

#[test]
fn facility_file_replaces_the_defaults() {
    let Some(data) = data_dir("facility_file_replaces_the_defaults") else {
        return;
    };
    let rs = receipts(&data);
    let f: engine::claim::Facility = serde_json::from_str(
        r#"{"kind":"hospital","beds":250,"hours":[{"weekdays":[1,2,3,4,5],"open":"09:00","close":"17:00"}]}"#,
    )
    .unwrap();
    let c = claim::receipt_to_claim(&rs[5], Some(&f), None).expect("convert");
    assert_eq!(c.claim.facility.beds, 250);
    assert!(
        !c.assumptions.iter().any(|a| a.starts_with("facility")),
        "{:?}",
        c.assumptions
    );
}
