//! End-to-end claims for the 特掲診療料 families (投薬, 検査, 注射, 処置, 画像, 医学管理, drugs and
//! materials) on the real staged masters. Every expected total is worked out by hand in the comment
//! of its case, citing the 点数表 and the master rows (2024-06 rows: `ssk/2024-06/s_ALL20240531`,
//! `y_ALL20240531`; 特定器材 `t` as loaded).
//!
//! The masters are loaded once from `SANTEI_DATA` or `<workspace>/../shared/data`; when neither
//! exists every test prints SKIP and passes.

use engine::{Engine, Level, Origin, Outcome};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

fn engine() -> Option<&'static Engine> {
    static E: OnceLock<Option<Engine>> = OnceLock::new();
    E.get_or_init(|| {
        let dir = std::env::var_os("SANTEI_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
        if !dir.exists() {
            eprintln!("SKIP tokkei: no master data at {} (set SANTEI_DATA)", dir.display());
            return None;
        }
        let set = masters::load_dir(&dir).unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()));
        Some(Engine::new(Arc::new(set)))
    })
    .as_ref()
}

macro_rules! eng {
    () => {
        match engine() {
            Some(e) => e,
            None => {
                eprintln!("SKIP: master data absent");
                return;
            }
        }
    };
}

fn calc(e: &Engine, claim: Value) -> Outcome {
    let bytes = serde_json::to_vec(&claim).unwrap();
    e.calculate_json(&bytes, engine::Options { trace: true })
        .unwrap_or_else(|err| panic!("claim error: {err}"))
}

fn clinic() -> Value {
    json!({"kind": "clinic"})
}

fn adult() -> Value {
    json!({"birth_date": "1960-01-01"})
}

/// One visit without a base fee (`kind: none`) so that totals are the items alone.
fn visit(date: &str, prescription: Option<&str>, items: Value) -> Value {
    let mut v = json!({"date": date, "time": "10:00", "kind": "none", "items": items});
    if let Some(p) = prescription {
        v["prescription"] = json!(p);
    }
    v
}

fn claim(patient: Value, visits: Vec<Value>) -> Value {
    json!({"facility": clinic(), "patient": patient, "visits": visits})
}

fn lines<'o>(o: &'o Outcome, code: &str) -> Vec<&'o engine::Line> {
    o.lines.iter().filter(|l| l.code == code).collect()
}

fn removed<'o>(o: &'o Outcome, code: &str) -> Vec<&'o engine::Removed> {
    o.removed.iter().filter(|l| l.code == code).collect()
}

fn dump(o: &Outcome) -> String {
    let mut s = String::new();
    for l in &o.lines {
        s.push_str(&format!(
            "  {} {} {}×{} [{}] {:?}\n",
            l.code, l.name, l.points, l.count, l.reason.rule, l.origin
        ));
    }
    for r in &o.removed {
        s.push_str(&format!(
            "  REMOVED {} {} [{}] {:?}\n",
            r.code, r.name, r.reason.rule, r.reason.detail
        ));
    }
    for d in &o.diagnostics {
        s.push_str(&format!("  DIAG {:?} {} {}\n", d.level, d.code, d.message));
    }
    s
}

fn assert_total(o: &Outcome, want: i64) {
    assert_eq!(o.total_points, want, "total\n{}", dump(o));
}

fn has_diag(o: &Outcome, code: &str) -> bool {
    o.diagnostics.iter().any(|d| d.code == code)
}

// ---------------------------------------------------------------------------------------------
// 薬剤 conversion (R6告示 F200 / G100 / J300 / E400; rules.md §4.3, §5)

/// 院内, 4 剤 × 7日 (R6告示 F200; y_ALL20240531 prices):
/// ロキソニン 620098801 10.10×3 + ムコスタ 620452801 10.10×3 = 60.60円 → 1+⌈4.56⌉ = 6点 ×7 = 42;
/// ジャヌビア 621951001 111.50 → 11 ×7 = 77; ガスター 612320350 15.20 → 2 ×7 = 14;
/// バイアスピリン 610443053 5.70 → 1 ×7 = 7. Drugs 140. 4 種類 → F100 3 処方料 42 (120001210),
/// F000 1 調剤料 11 (120000710). Total 193.
#[test]
fn drugs_at_real_prices() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([
                    {"code": "620098801", "quantity": 3, "days": 7, "rp": "1", "usage": "internal"},
                    {"code": "620452801", "quantity": 3, "days": 7, "rp": "1", "usage": "internal"},
                    {"code": "621951001", "quantity": 1, "days": 7, "rp": "2", "usage": "internal"},
                    {"code": "612320350", "quantity": 1, "days": 7, "rp": "3", "usage": "internal"},
                    {"code": "610443053", "quantity": 1, "days": 7, "rp": "4", "usage": "internal"}
                ]),
            )],
        ),
    );
    assert_total(&o, 193);
    assert_eq!(lines(&o, "620452801")[0].points, 6);
    assert_eq!(lines(&o, "620452801")[0].reason.rule, "F200");
    assert_eq!(lines(&o, "120001210")[0].origin, Origin::Derived);
    assert_eq!(lines(&o, "120000710").len(), 1);
}

/// The 15円 boundary and 五捨五超入 (R6告示 F200: 15円以下 1点, 以降 10円又はその端数ごとに1点), 1日分 each:
/// ベザトールＳＲ 610407028 12.50×1.2 = 15.00円 → 1; パンクレアチン 610408658 7.50×2.01 = 15.075円 → 2;
/// 610407028 ×2 = 25.00円 → 2 (2.5 rounds down); ×3.6 = 45.00円 → 4; ×3 = 37.50円 → 4. Drugs 13;
/// 5 種類 → 処方料 42 + 調剤料 11. Total 66.
#[test]
fn fifteen_yen_boundary_and_half() {
    let e = eng!();
    let it =
        |code: &str, q: f64, rp: &str| json!({"code": code, "quantity": q, "days": 1, "rp": rp, "usage": "internal"});
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([
                    it("610407028", 1.2, "a"),
                    it("610408658", 2.01, "b"),
                    it("610407028", 2.0, "c"),
                    it("610407028", 3.6, "d"),
                    it("610407028", 3.0, "e")
                ]),
            )],
        ),
    );
    let pts: Vec<i64> = o.lines.iter().filter(|l| l.section == "21").map(|l| l.points).collect();
    assert_eq!(pts, vec![1, 2, 2, 4, 4], "{}", dump(&o));
    assert_total(&o, 66);
}

/// 処置 drugs: J300 15円以下 → 0点 (R6告示 J300). Day 1: 創傷処置（100cm²未満） 140000610 52 +
/// ゲンタシン軟膏 620008993 11.00円×1 → 0; day 2: 52 + ×2 = 22円 → 1+⌈0.7⌉ = 2. Total 106.
#[test]
fn shochi_drug_below_15_is_zero() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![
                visit(
                    "2024-07-10",
                    None,
                    json!([{"code": "140000610", "rp": "s"}, {"code": "620008993", "quantity": 1, "rp": "s"}]),
                ),
                visit(
                    "2024-07-11",
                    None,
                    json!([{"code": "140000610", "rp": "s"}, {"code": "620008993", "quantity": 2, "rp": "s"}]),
                ),
            ],
        ),
    );
    let g = lines(&o, "620008993");
    assert_eq!((g[0].points, g[1].points), (0, 2), "{}", dump(&o));
    assert_eq!(g[0].reason.rule, "J300");
    assert_eq!(g[0].section, "40");
    assert_total(&o, 106);
}

/// 注射 with drug and material (R6告示 G001 静脈内注射 37 (130003510); G100: 生食注２０ｍＬ「ＣＭＸ」 620006623
/// 62.00円 → 1+⌈4.7⌉ = 6; G200: 710010070 419.00円 ÷ 10 = 41.9 → 42 (四捨五入)). Total 85.
#[test]
fn chusha_with_drug_and_material() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "130003510", "rp": "i"}, {"code": "620006623", "quantity": 1, "rp": "i"}, {"code": "710010070", "quantity": 1, "rp": "i"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "620006623")[0].reason.rule, "G100");
    assert_eq!(lines(&o, "620006623")[0].points, 6);
    assert_eq!(lines(&o, "710010070")[0].reason.rule, "G200");
    assert_eq!(lines(&o, "710010070")[0].points, 42);
    assert_total(&o, 85);
}

/// 画像: 単純撮影（イ）の写真診断 170000410 85 (1枚) + 単純撮影（アナログ撮影） 170001910 60 (1枚) + フィルム 大角
/// 700030000 115円 ÷ 10 = 11.5 → 12 (E400, 四捨五入). Total 157.
#[test]
fn gazo_with_film_half_up() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "170000410", "quantity": 1, "rp": "x"}, {"code": "170001910", "quantity": 1, "rp": "x"}, {"code": "700030000", "quantity": 1, "rp": "x"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "700030000")[0].reason.rule, "E400");
    assert_eq!(lines(&o, "700030000")[0].points, 12);
    assert_total(&o, 157);
}

// ---------------------------------------------------------------------------------------------
// D007 ladder (R6告示 D007注: 5–7項目 93, 8–9項目 99, 10項目以上 103; R4 10項目以上 106) + D026 生化学的検査（１）
// 判断料 144 (160061910). Items of 11点 (D007 1): グルコース 160019410, γ－ＧＴ 160020410, ＢＵＮ 160019010,
// クレアチニン 160019210, ＵＡ 160019310, ＴＰ 160017410, Ａｌｂ 160018910, カリウム 160021410,
// ナトリウム及びクロール 160021110, ＡＬＰ 160020010.

const D007_ITEMS: [&str; 10] = [
    "160019410",
    "160020410",
    "160019010",
    "160019210",
    "160019310",
    "160017410",
    "160018910",
    "160021410",
    "160021110",
    "160020010",
];

fn d007_claim(date: &str, n: usize) -> Value {
    let items: Vec<Value> = D007_ITEMS[..n].iter().map(|c| json!({"code": c})).collect();
    claim(adult(), vec![visit(date, None, Value::Array(items))])
}

fn check_ladder(n: usize, date: &str, want: i64) {
    let e = eng!();
    let o = calc(e, d007_claim(date, n));
    assert_total(&o, want);
    assert_eq!(lines(&o, "160061910").len(), 1, "one 判断料\n{}", dump(&o));
    let d007: Vec<_> = o
        .lines
        .iter()
        .filter(|l| l.section == "60" && l.code != "160061910")
        .collect();
    assert_eq!(d007.len(), n);
    if n >= 5 {
        assert!(d007.iter().all(|l| l.reason.rule == "D007-hokatsu"));
        assert!(d007[..n - 1].iter().all(|l| l.points == 0));
    }
}

/// 4 items: below the ladder, 4 × 11 = 44 + 判断料 144 = 188.
#[test]
fn d007_4_items() {
    check_ladder(4, "2024-07-10", 188);
}
/// 5 items: 93 + 144 = 237.
#[test]
fn d007_5_items() {
    check_ladder(5, "2024-07-10", 237);
}
/// 7 items: 93 + 144 = 237.
#[test]
fn d007_7_items() {
    check_ladder(7, "2024-07-10", 237);
}
/// 8 items: 99 + 144 = 243.
#[test]
fn d007_8_items() {
    check_ladder(8, "2024-07-10", 243);
}
/// 9 items: 99 + 144 = 243.
#[test]
fn d007_9_items() {
    check_ladder(9, "2024-07-10", 243);
}
/// 10 items: 103 + 144 = 247.
#[test]
fn d007_10_items() {
    check_ladder(10, "2024-07-10", 247);
}
/// 10 items on 2024-05-15 (R4告示 D007注 ハ 10項目以上 106; 判断料 144 in s_ALL20240201): 250.
#[test]
fn d007_10_items_r4() {
    check_ladder(10, "2024-05-15", 250);
}

/// D007 counting (R6通知 D007(4)): ＨＤＬ 160023410 (17) + 総コレステロール 160022410 (17) + ＬＤＬ 160167250 (18)
/// together → the main two; with 4 items of 11点 that is 6 items → 93 + 144 = 237, one line removed.
#[test]
fn d007_lipid_trio_counts_two() {
    let e = eng!();
    let items = json!([{"code": "160019410"}, {"code": "160020410"}, {"code": "160019010"}, {"code": "160019210"}, {"code": "160023410"}, {"code": "160022410"}, {"code": "160167250"}]);
    let o = calc(e, claim(adult(), vec![visit("2024-07-10", None, items)]));
    assert_eq!(
        o.removed.iter().filter(|r| r.reason.rule == "D007-count").count(),
        1,
        "{}",
        dump(&o)
    );
    assert_total(&o, 237);
}

/// D009 腫瘍マーカー (R6告示 D009注2: 4項目以上 385): ＣＥＡ 160036510, ＡＦＰ 160036710, ＣＡ１９－９ 160037210,
/// ＰＳＡ 160037510 → 385 + 生化学的検査（２）判断料 160062010 144 = 529.
#[test]
fn d009_ladder_4_items() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160036510"}, {"code": "160036710"}, {"code": "160037210"}, {"code": "160037510"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "160062010").len(), 1);
    assert_total(&o, 529);
}

/// D015 13 注 (特異的ＩｇＥ 160056110 110点/種類, 1回採取 1,430点を限度; the master's きざみ値 carries it: 下限 1,
/// 上限 13, 110 × 種類, エラー処理 1): 14 種類 → priced at 13 = 1,430 + 免疫学的検査判断料 160062110 144 = 1,574.
/// Two IgE lines on one specimen, 10 + 5 種類 = 1,100 + 550 → capped at 1,430 by the group 11 cap: 1,574.
#[test]
fn ige_cap() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160056110", "quantity": 14}]),
            )],
        ),
    );
    assert!(has_diag(&o, "STEP_CAPPED"));
    assert_total(&o, 1574);
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160056110", "quantity": 10}, {"code": "160056110", "quantity": 5}]),
            )],
        ),
    );
    assert_total(&o, 1574);
}

// ---------------------------------------------------------------------------------------------
// 判断料 (R6告示 D026注1 月1回)

/// First and second time in a month: グルコース 11 on 07-01, ＡＳＴ 160022510 17 on 07-15 → one 判断料 144
/// (dated 07-01). Total 172.
#[test]
fn handan_once_a_month() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![
                visit("2024-07-01", None, json!([{"code": "160019410"}])),
                visit("2024-07-15", None, json!([{"code": "160022510"}])),
            ],
        ),
    );
    let h = lines(&o, "160061910");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].date.to_string(), "2024-07-01");
    assert_eq!(h[0].origin, Origin::Derived);
    assert_total(&o, 172);
}

/// Already billed this month in history → not derived (11); billed last month → derived (155).
#[test]
fn handan_history() {
    let e = eng!();
    let mut c = claim(adult(), vec![visit("2024-07-15", None, json!([{"code": "160019410"}]))]);
    c["history"] = json!([{"date": "2024-07-01", "code": "160061910"}]);
    assert_total(&calc(e, c.clone()), 11);
    c["history"] = json!([{"date": "2024-06-20", "code": "160061910"}]);
    assert_total(&calc(e, c), 155);
}

/// A listed 判断料 with its 実施料 → one line, origin input (155); a listed 血液学的検査判断料 160061810
/// without any 血液学的 実施料 → removed.
#[test]
fn handan_listed() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160019410"}, {"code": "160061910"}, {"code": "160061810"}]),
            )],
        ),
    );
    let h = lines(&o, "160061910");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].origin, Origin::Input);
    assert_eq!(removed(&o, "160061810").len(), 1);
    assert_total(&o, 155);
}

// ---------------------------------------------------------------------------------------------
// 投薬: 7種類, 28日, 院内 vs 院外 (R6告示 F000, F100, F200注3, F400; R6通知 F200(6))

/// 6 銘柄 in one 内服 剤 above 205円: 621951001 111.50 + 620004080 56.60 + 622080801 69.70 + 622538301 60.20 +
/// 620098801 10.10 + 620452801 10.10 = 318.20円 → 32点 × 14 = 448; 6 種類 → 処方料 42; 調剤料 11. Total 501.
fn six_or_seven(seven: bool) -> Value {
    let mut codes = vec![
        "621951001",
        "620004080",
        "622080801",
        "622538301",
        "620098801",
        "620452801",
    ];
    if seven {
        codes.push("612320350");
    }
    Value::Array(
        codes
            .iter()
            .map(|c| json!({"code": c, "quantity": 1, "days": 14, "rp": "1", "usage": "internal"}))
            .collect(),
    )
}

#[test]
fn six_kinds_in_house() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit("2024-07-10", Some("in_house"), six_or_seven(false))],
        ),
    );
    assert_eq!(lines(&o, "120001210").len(), 1);
    assert_total(&o, 501);
}

/// 7 銘柄 (+ ガスター 15.20) = 333.40円 → 33点; 7種類以上 → × 90/100 = 29.7 → 30 (四捨五入, L) × 14 = 420;
/// 処方料（７種類以上内服薬） 120002610 29; 調剤料 11; 630010002 line at 0. Total 460.
#[test]
fn seven_kinds_in_house() {
    let e = eng!();
    let o = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("in_house"), six_or_seven(true))]),
    );
    assert_eq!(lines(&o, "120002610").len(), 1, "{}", dump(&o));
    assert_eq!(lines(&o, "630010002").len(), 1);
    assert_eq!(lines(&o, "612320350")[0].points, 30);
    assert_total(&o, 460);
}

/// 院外: 処方箋料 その他 60 (120002910) for 6 種類, 7種類以上 32 (120002710) for 7; drugs removed.
#[test]
fn six_and_seven_kinds_outside() {
    let e = eng!();
    let o6 = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("outside"), six_or_seven(false))]),
    );
    assert_total(&o6, 60);
    assert_eq!(o6.removed.iter().filter(|r| r.reason.rule == "F400").count(), 6);
    let o7 = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("outside"), six_or_seven(true))]),
    );
    assert_eq!(lines(&o7, "120002710").len(), 1);
    assert_total(&o7, 32);
}

/// 28日 boundary (R6告示 F100注5, 特定疾患処方管理加算 56 月1回, 120005610): ジャヌビア 111.50円 → 11点.
/// 27日: 297 + 42 + 11 = 350; 28日: 308 + 42 + 11 + 56 = 417; 28日 without `tokutei_shikkan`: 361 + info.
#[test]
fn tokutei_28_days() {
    let e = eng!();
    let c = |days: u32, tokutei: Option<bool>| {
        let mut p = adult();
        if let Some(t) = tokutei {
            p["tokutei_shikkan"] = json!(t);
        }
        claim(
            p,
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "621951001", "quantity": 1, "days": days, "rp": "1", "usage": "internal"}]),
            )],
        )
    };
    assert_total(&calc(e, c(27, Some(true))), 350);
    let o = calc(e, c(28, Some(true)));
    assert_eq!(lines(&o, "120005610").len(), 1);
    assert_total(&o, 417);
    let o = calc(e, c(28, None));
    assert!(has_diag(&o, "TOKUTEI_SHIKKAN_UNKNOWN"));
    assert_total(&o, 361);
}

/// 院外 with 一般名処方 (R6告示 F400注7; R6通知 F400(12)): ロキソニン (一般名 1149019F1ZZZ, y col 39 = 2) and
/// ネキシウム (2329029M2ZZZ, col 39 = 2) both written by 一般名 → 一般名処方加算１ 120004270 10 + 処方箋料 60 = 70;
/// the same in-house: ロキソニン 10.10×3 = 30.30円 → 3 ×7 = 21, ネキシウム 69.70円 → 7 ×7 = 49; + 処方料 42 +
/// 調剤料 11 = 123.
#[test]
fn in_house_vs_outside_generic_name() {
    let e = eng!();
    let items = json!([
        {"code": "620098801", "quantity": 3, "days": 7, "rp": "1", "usage": "internal", "generic_name": true},
        {"code": "622080801", "quantity": 1, "days": 7, "rp": "2", "usage": "internal", "generic_name": true}
    ]);
    let o = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("outside"), items.clone())]),
    );
    assert_eq!(lines(&o, "120004270").len(), 1, "{}", dump(&o));
    assert_total(&o, 70);
    let o = calc(e, claim(adult(), vec![visit("2024-07-10", Some("in_house"), items)]));
    assert_total(&o, 123);
}

/// 乳幼児加算（処方料） 120002170 3 via 120001210's 年齢加算 (00–03): age 2, カロナール 620000033 7.00円 → 1 × 3 = 3
/// + 42 + 3 + 11 = 59.
#[test]
fn shoho_infant() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!({"birth_date": "2022-03-01"}),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "620000033", "quantity": 1, "days": 3, "rp": "1", "usage": "internal"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "120002170").len(), 1);
    assert_total(&o, 59);
}

/// 麻薬等加算 (R6告示 F000注, F100注2): エチゾラム 610412026 (向精神薬, y col 14 = 5) 6.40円 → 1 × 7 = 7 + 処方料 42
/// + 調剤料 11 + 120000110 1 + 120001310 1 = 62.
#[test]
fn mayaku_kasan() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "610412026", "quantity": 1, "days": 7, "rp": "1", "usage": "internal"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "120000110").len() + lines(&o, "120001310").len(), 2);
    assert_total(&o, 62);
}

/// A listed 処方料 equal to the derived one → one line, origin input: カロナール 1 × 7 = 7 + 42 + 11 = 60.
#[test]
fn listed_f_not_duplicated() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "120001210"}, {"code": "620000033", "quantity": 1, "days": 7, "rp": "1", "usage": "internal"}]),
            )],
        ),
    );
    let l = lines(&o, "120001210");
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].origin, Origin::Input);
    assert_total(&o, 60);
}

/// 調剤技術基本料 120001810 14 月1回 with capability `pharmacist` (R6告示 F500): two in-house visits each
/// カロナール 1日 (1) + 42 + 11 → 54 + 54 + 14 = 122.
#[test]
fn chozai_kihon_once_a_month() {
    let e = eng!();
    let item = json!([{"code": "620000033", "quantity": 1, "days": 1, "rp": "1", "usage": "internal"}]);
    let mut c = claim(
        adult(),
        vec![
            visit("2024-07-10", Some("in_house"), item.clone()),
            visit("2024-07-20", Some("in_house"), item),
        ],
    );
    c["facility"]["capabilities"] = json!([{"id": "pharmacist", "from": "2020-01-01"}]);
    let o = calc(e, c);
    assert_eq!(lines(&o, "120001810").len(), 1);
    assert_total(&o, 122);
}

// ---------------------------------------------------------------------------------------------
// 検査 others, 外来診療料 bundle, 医学管理

/// D400 血液採取（静脈） 160095710 40, 1日につき: listed twice → one; age 4 → 乳幼児加算 160095970 35 derived
/// from the 年齢加算 columns (00–06). Total 75.
#[test]
fn blood_draw_once_a_day_with_infant() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!({"birth_date": "2020-01-15"}),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160095710"}, {"code": "160095710"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "160095710").len(), 1);
    assert_eq!(removed(&o, "160095710").len(), 1);
    assert_eq!(lines(&o, "160095970")[0].origin, Origin::Derived);
    assert_total(&o, 75);
}

/// 外来診療料 (病院 250床, 再診): 112011310 76. Bundled (A002注6): 尿一般 160000310 (26), 末梢血液一般 160008010 (21),
/// 創傷処置 140000610 (52); billed: ＨｂＡ１ｃ 160010010 49 (exception), the 処置's drug ゲンタシン ×2 = 22円 → 2 (J300),
/// 血液学的検査判断料 125 (HbA1c and the bundled CBC; 通知 A002(10)). Total 76 + 49 + 2 + 125 = 252.
#[test]
fn gairai_bundle() {
    let e = eng!();
    let c = json!({
        "facility": {"kind": "hospital", "beds": 250},
        "patient": adult(),
        "visits": [{"date": "2024-07-10", "time": "10:00", "kind": "revisit", "items": [
            {"code": "160000310"}, {"code": "160008010"}, {"code": "160010010"},
            {"code": "140000610", "rp": "j"}, {"code": "620008993", "quantity": 2, "rp": "j"}
        ]}]
    });
    let o = calc(e, c);
    assert_eq!(
        o.removed.iter().filter(|r| r.reason.rule == "A002-hokatsu").count(),
        3,
        "{}",
        dump(&o)
    );
    assert_eq!(lines(&o, "160061810").len(), 1);
    assert_total(&o, 252);
}

/// 小児科外来診療料 2ロ 再診時 113003810 528 (R6告示 B001-2 注3): the test, the drug and 投薬 are included;
/// base fee suppressed. Total 528.
#[test]
fn shoni_gairai_bundle() {
    let e = eng!();
    let c = json!({
        "facility": clinic(),
        "patient": {"birth_date": "2021-01-10"},
        "visits": [{"date": "2024-07-10", "time": "10:00", "kind": "revisit", "prescription": "in_house", "items": [
            {"code": "113003810"}, {"code": "160008010"},
            {"code": "620000033", "quantity": 1, "days": 3, "rp": "1", "usage": "internal"}
        ]}]
    });
    let o = calc(e, c);
    assert!(removed(&o, "160008010")
        .iter()
        .all(|r| r.reason.rule == "B001-2-hokatsu"));
    assert_eq!(removed(&o, "620000033").len(), 1);
    assert!(lines(&o, "120001210").is_empty());
    assert!(lines(&o, "160061810").is_empty());
    assert_total(&o, 528);
}

/// 特定疾患療養管理料（診療所） 113001810 225, 月2回 (R6告示 B000): three visits → two billed, 450.
#[test]
fn tokutei_kanri_twice_a_month() {
    let e = eng!();
    let p = json!({"birth_date": "1960-01-01", "tokutei_shikkan": true});
    let v = |d: &str| visit(d, None, json!([{"code": "113001810"}]));
    let o = calc(e, claim(p, vec![v("2024-07-02"), v("2024-07-16"), v("2024-07-30")]));
    assert_eq!(removed(&o, "113001810").len(), 1);
    assert_total(&o, 450);
}

/// 外来迅速検体検査加算 160177770 10点 × 項目 (quantity), 5項目限度 a day (R6告示 第3部第1節第1款 通則3): 3 項目 on
/// the first visit (30) and 4 on a second visit the same day → 2 billed (20), 2 removed; + グルコース 11 +
/// 判断料 144 = 205; an info diagnostic (eligible list L).
#[test]
fn jinsoku_five_a_day() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![
                visit(
                    "2024-07-10",
                    None,
                    json!([{"code": "160019410"}, {"code": "160177770", "quantity": 3}]),
                ),
                visit("2024-07-10", None, json!([{"code": "160177770", "quantity": 4}])),
            ],
        ),
    );
    assert!(has_diag(&o, "JINSOKU_LIST_UNCHECKED"));
    assert_eq!(removed(&o, "160177770")[0].count, 2);
    assert_total(&o, 205);
    assert!(o.diagnostics.iter().all(|d| d.level != Level::Error));
}

/// 臨時 ≤ 2週 is left out of the 7種類 count (R6告示 F100 2, F200注3): the 6-銘柄 剤 above (448) + ガスター
/// 612320350 in its own 臨時 剤 for 5 days (15.20円 → 2 × 5 = 10) → 6 種類: no 90/100, 処方料 42, 調剤料 11.
/// Total 511.
#[test]
fn temporary_drug_not_counted() {
    let e = eng!();
    let mut items = six_or_seven(false);
    items.as_array_mut().unwrap().push(
        json!({"code": "612320350", "quantity": 1, "days": 5, "rp": "2", "usage": "internal", "temporary": true}),
    );
    let o = calc(e, claim(adult(), vec![visit("2024-07-10", Some("in_house"), items)]));
    assert!(lines(&o, "630010002").is_empty());
    assert_eq!(lines(&o, "120001210").len(), 1);
    assert_total(&o, 511);
}

/// A 処方料 listed on a 院外処方 visit is removed (R6告示 第5部 通則); the 処方箋料 is derived: 60.
#[test]
fn listed_f_wrong_side() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("outside"),
                json!([{"code": "120001210"}, {"code": "620000033", "quantity": 1, "days": 7, "rp": "1", "usage": "internal"}]),
            )],
        ),
    );
    assert_eq!(removed(&o, "120001210")[0].reason.rule, "F-side");
    assert_total(&o, 60);
}

/// 特定疾患療養管理料 within one month of the 初診 (R6告示 B000注2; history 初診料 111000110 on 2024-06-20):
/// on 07-10 removed, on 07-25 billed 225.
#[test]
fn tokutei_kanri_after_first_visit_month() {
    let e = eng!();
    let p = json!({"birth_date": "1960-01-01", "tokutei_shikkan": true});
    let mut c = claim(
        p,
        vec![
            visit("2024-07-10", None, json!([{"code": "113001810"}])),
            visit("2024-07-25", None, json!([{"code": "113001810"}])),
        ],
    );
    c["history"] = json!([{"date": "2024-06-20", "code": "111000110"}]);
    let o = calc(e, c);
    assert_eq!(removed(&o, "113001810").len(), 1);
    assert_eq!(lines(&o, "113001810")[0].date.to_string(), "2024-07-25");
    assert_total(&o, 225);
}
