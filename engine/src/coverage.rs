//! The coverage report (`santei masters coverage [--date D]`): for every 医科診療行為 row valid on a
//! date, whether a rule family decides it, the engine prices it from the row alone, or it is not
//! handled (and why), counted per 部 of 第2章 特掲診療料 (and 第1章 第1部 初・再診料), so the
//! remaining gaps are visible in numbers (issue 14).
//!
//! The classification is static — it reads each row's columns, never a claim:
//! 1. **out of scope**: 入院 only (入外適用区分 col 13 = 1), 第1章 第2部 入院料等: santei computes
//!    入院外 claims;
//! 2. **rule family**: the first entry of [`FAMILIES`] whose predicate takes the row (the family
//!    derives, bundles, limits or re-prices it beyond its own points);
//! 3. **row alone**: 点数識別 (col 11) 3 点数 or 8 点数（マイナス） with non-zero points, priced from
//!    the row by `rules/items.rs` (きざみ値 and 年齢加算 columns included) and checked by the
//!    電子点数表 (02/03/05) where the set has their rows;
//! 4. **not handled**, with the reason: a 点数識別 the engine does not compute (5/6 %加算/減算,
//!    1 金額, 4 購入価格, 7 減点, 9 乗算 — billed at 0 with `POINT_KIND_NOT_COMPUTED`), or 0 points.
//!
//! A family is listed here by the file that owns it; adding a family means adding its predicate.

use crate::rules;
use chrono::NaiveDate;
use masters::{InOut, MasterSet, PointKind, Procedure};
use serde::Serialize;
use std::collections::BTreeMap;

/// A rule family and the rows it decides.
pub struct Claimant {
    /// The family's file (or folder) under `engine/src/`.
    pub family: &'static str,
    pub takes: fn(&Procedure) -> bool,
}

fn in_codes(p: &Procedure, codes: &[u32]) -> bool {
    codes.contains(&p.code.0)
}

/// The rule families, in the order they are asked (the first that takes a row counts it).
pub static FAMILIES: &[Claimant] = &[
    Claimant {
        family: "rules/kihon.rs",
        takes: |p| rules::kihon::is_base_row(p) || rules::kihon::is_pediatric_bundle(p),
    },
    Claimant {
        family: "rules/iryo_dx.rs",
        takes: rules::iryo_dx::is_family_row,
    },
    Claimant {
        family: "rules/chu_kasan.rs",
        // 注加算 of A000–A002 (注加算通番 col 39; 時間加算区分 col 43 read with rules/jikan.rs).
        takes: |p| p.tbl_alpha == 'A' && p.tbl_kubun <= 2 && p.chu_kasan_seq != b'0',
    },
    Claimant {
        family: "rules/gairai_kanri.rs",
        takes: |p| p.gairai_kanri == 2,
    },
    Claimant {
        family: "rules/bukka.rs",
        takes: |p| rules::paired::is_member(&rules::bukka::SPECS, p),
    },
    Claimant {
        family: "rules/baseup.rs",
        takes: |p| rules::paired::is_member(&rules::baseup::SPECS, p),
    },
    Claimant {
        family: "rules/baseup2.rs",
        takes: |p| rules::paired::is_member(std::slice::from_ref(&rules::baseup2::SPEC), p),
    },
    Claimant {
        family: "rules/igaku_kanri.rs",
        takes: |p| {
            in_codes(p, rules::igaku_kanri::TOKUTEI_KANRI)
                || in_codes(p, rules::igaku_kanri::SHONI_GAIRAI)
                || in_codes(p, rules::igaku_kanri::SHONI_KAKARITSUKE)
                || in_codes(p, &[rules::igaku_kanri::YAKUZAI_JOHO, rules::igaku_kanri::TECHO_KASAN])
        },
    },
    Claimant {
        family: "rules/monthly.rs",
        takes: |p| rules::monthly::family_of(p.code.0).is_some(),
    },
    Claimant {
        family: "rules/kensa/",
        takes: |p| {
            (p.bundle_test_group != 0 && rules::kensa::has_ladder(p.bundle_test_group))
                || rules::kensa::D026.iter().any(|(_, c)| *c == p.code.0)
                || rules::kensa::HANDAN.iter().any(|(_, c)| *c == p.code.0)
                || in_codes(p, rules::kensa::BLOOD_DRAW)
                || in_codes(p, &[rules::kensa::JINSOKU, rules::kensa::KANRI_1])
                || in_codes(
                    p,
                    &[
                        rules::kensa::CA,
                        rules::kensa::ICA,
                        rules::kensa::TIBC,
                        rules::kensa::UIBC,
                        rules::kensa::HDL,
                        rules::kensa::TCHO,
                        rules::kensa::LDL,
                        rules::kensa::PROTEIN_FRACTION,
                        rules::kensa::TP,
                        rules::kensa::ALB,
                    ],
                )
        },
    },
    Claimant {
        family: "rules/gairai_hokatsu.rs",
        takes: |p| rules::gairai_hokatsu::bundled(p).is_some(),
    },
    Claimant {
        family: "rules/touyaku/",
        takes: |p| p.tbl_alpha == 'F',
    },
    Claimant {
        family: "rules/chusha.rs",
        takes: |p| {
            in_codes(p, rules::chusha::TENTEKI)
                || in_codes(p, &[rules::chusha::MAYAKU_KASAN, rules::chusha::SEIBUTSU_KASAN])
        },
    },
    Claimant {
        family: "rules/shochi.rs",
        takes: |p| p.tbl_alpha == 'J' && p.shochi_infant != 0,
    },
    Claimant {
        family: "rules/tsusoku.rs",
        takes: rules::tsusoku::is_family_row,
    },
    Claimant {
        family: "rules/teigen.rs",
        // 逓減対象区分 (col 52) = 1, and the 減算 rows themselves.
        takes: |p| {
            p.teigen == 1
                || in_codes(
                    p,
                    &[
                        rules::teigen::KENSA_TEIGEN,
                        rules::teigen::CT_MRI_TEIGEN,
                        rules::teigen::KANSETSU,
                    ],
                )
        },
    },
    Claimant {
        family: "rules/kanri_hokatsu.rs",
        takes: |p| rules::kanri_hokatsu::is_b001_3(p) || p.code.0 == rules::kanri_hokatsu::SHOKAI,
    },
    Claimant {
        family: "rules/byori.rs",
        takes: |p| p.tbl_alpha == 'N' && matches!(p.tbl_kubun, 6 | 7),
    },
    Claimant {
        family: "rules/zaitaku/",
        takes: |p| {
            rules::zaitaku::oushin::is_oushin_base(p)
                || (p.tbl_alpha == 'C' && p.tbl_kubun == 0)
                || rules::zaitaku::houmon::is_visit_row(p)
                || rules::zaitaku::sougou::is_main(p)
                || (p.tbl_alpha == 'C' && (101..=121).contains(&p.tbl_kubun))
                || rules::zaitaku::shidou::is_zairyo(p)
        },
    },
    Claimant {
        family: "rules/rehab.rs",
        takes: |p| rules::rehab::is_base(p) || in_codes(p, &[rules::rehab::SOUKI, rules::rehab::SHOKI]),
    },
    Claimant {
        family: "rules/seishin.rs",
        takes: |p| rules::seishin::is_i002(p) || rules::seishin::is_i002_2(p),
    },
];

/// The 部 of 第2章 (col 91 コード表用番号 部), and 第1章 第1部.
pub fn part_name(chapter: u8, part: u8) -> &'static str {
    match (chapter, part) {
        (1, 1) => "第1章 第1部 初・再診料",
        (1, _) => "第1章 第2部 入院料等",
        (2, 1) => "第1部 医学管理等",
        (2, 2) => "第2部 在宅医療",
        (2, 3) => "第3部 検査",
        (2, 4) => "第4部 画像診断",
        (2, 5) => "第5部 投薬",
        (2, 6) => "第6部 注射",
        (2, 7) => "第7部 リハビリテーション",
        (2, 8) => "第8部 精神科専門療法",
        (2, 9) => "第9部 処置",
        (2, 10) => "第10部 手術",
        (2, 11) => "第11部 麻酔",
        (2, 12) => "第12部 放射線治療",
        (2, 13) => "第13部 病理診断",
        (2, 14) => "第14部 その他",
        _ => "other (第3章 and rows without a 部)",
    }
}

/// How one row is handled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handling {
    OutOfScope(&'static str),
    Family(&'static str),
    RowAlone,
    NotHandled(&'static str),
}

/// Classifies one row.
pub fn classify(p: &Procedure) -> Handling {
    if p.in_out == InOut::InpatientOnly {
        return Handling::OutOfScope("入院 only (入外適用区分 1): santei computes 入院外 claims");
    }
    if p.tbl_chapter == 1 && p.tbl_part != 1 {
        return Handling::OutOfScope("第1章 第2部 入院料等: santei computes 入院外 claims");
    }
    if let Some(c) = FAMILIES.iter().find(|c| (c.takes)(p)) {
        return Handling::Family(c.family);
    }
    match p.point_kind {
        PointKind::Points | PointKind::MinusPoints if !p.points.is_zero() => Handling::RowAlone,
        PointKind::Points | PointKind::MinusPoints => Handling::NotHandled("0 points on the row"),
        PointKind::PercentAdd => Handling::NotHandled("点数識別 5 %加算: not derived (billed at 0 when listed)"),
        PointKind::PercentSub => Handling::NotHandled("点数識別 6 %減算: not derived (billed at 0 when listed)"),
        PointKind::Yen => Handling::NotHandled("点数識別 1 金額: not computed"),
        PointKind::PrefecturePrice | PointKind::PurchasePrice => {
            Handling::NotHandled("点数識別 2/4 購入価格: not computed")
        }
        PointKind::Reduction => Handling::NotHandled("点数識別 7 減点診療行為: not computed"),
        PointKind::Multiply => Handling::NotHandled("点数識別 9 乗算割合: not computed"),
        PointKind::Other(_) => Handling::NotHandled("unknown 点数識別"),
    }
}

/// The counts of one 部.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PartCounts {
    pub part: &'static str,
    pub rows: usize,
    pub family: usize,
    pub row_alone: usize,
    pub not_handled: usize,
    pub out_of_scope: usize,
    /// Rows per rule family.
    pub by_family: BTreeMap<&'static str, usize>,
    /// Rows not handled, per reason.
    pub not_handled_by_reason: BTreeMap<&'static str, usize>,
}

/// The report of a master set on a date.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub date: NaiveDate,
    pub parts: Vec<PartCounts>,
}

/// Counts every s row valid on `d`, per 部.
pub fn report(set: &MasterSet, d: NaiveDate) -> Report {
    let mut parts: BTreeMap<(u8, u8), PartCounts> = BTreeMap::new();
    for code in set.s.codes() {
        let Some(v) = set.s.lookup(code, d) else { continue };
        let p = &v.row;
        let key = match (p.tbl_chapter, p.tbl_part) {
            (1, 1) => (1, 1),
            (1, _) => (1, 2),
            (2, n @ 1..=14) => (2, n),
            _ => (9, 0),
        };
        let e = parts.entry(key).or_insert_with(|| PartCounts {
            part: part_name(key.0, key.1),
            ..PartCounts::default()
        });
        e.rows += 1;
        match classify(p) {
            Handling::OutOfScope(_) => e.out_of_scope += 1,
            Handling::Family(f) => {
                e.family += 1;
                *e.by_family.entry(f).or_default() += 1;
            }
            Handling::RowAlone => e.row_alone += 1,
            Handling::NotHandled(why) => {
                e.not_handled += 1;
                *e.not_handled_by_reason.entry(why).or_default() += 1;
            }
        }
    }
    Report {
        date: d,
        parts: parts.into_values().collect(),
    }
}

impl Report {
    /// The report as a Markdown table (the CLI's text output and docs/coverage.md).
    pub fn markdown(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "| 部 | rows valid on {} | rule family | row alone | not handled | out of scope (入院) |",
            self.date
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
        let mut total = PartCounts::default();
        for p in &self.parts {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                p.part, p.rows, p.family, p.row_alone, p.not_handled, p.out_of_scope
            );
            total.rows += p.rows;
            total.family += p.family;
            total.row_alone += p.row_alone;
            total.not_handled += p.not_handled;
            total.out_of_scope += p.out_of_scope;
        }
        let _ = writeln!(
            s,
            "| **all** | {} | {} | {} | {} | {} |",
            total.rows, total.family, total.row_alone, total.not_handled, total.out_of_scope
        );
        let _ = writeln!(s, "\nRule families, rows decided per 部:\n");
        for p in self.parts.iter().filter(|p| !p.by_family.is_empty()) {
            let fams: Vec<String> = p.by_family.iter().map(|(f, n)| format!("`{f}` {n}")).collect();
            let _ = writeln!(s, "- {}: {}", p.part, fams.join(", "));
        }
        let _ = writeln!(s, "\nNot handled, per 部 and reason:\n");
        for p in self.parts.iter().filter(|p| !p.not_handled_by_reason.is_empty()) {
            let rs: Vec<String> = p
                .not_handled_by_reason
                .iter()
                .map(|(r, n)| format!("{r}: {n}"))
                .collect();
            let _ = writeln!(s, "- {}: {}", p.part, rs.join("; "));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;

    #[test]
    fn classification_order() {
        let mut p = blank_procedure();
        p.tbl_alpha = 'E';
        p.tbl_chapter = 2;
        p.tbl_part = 4;
        p.points = rust_decimal::Decimal::from(85);
        assert_eq!(classify(&p), Handling::RowAlone);
        p.point_kind = PointKind::PercentAdd;
        assert!(matches!(classify(&p), Handling::NotHandled(r) if r.contains("%加算")));
        p.in_out = InOut::InpatientOnly;
        assert!(matches!(classify(&p), Handling::OutOfScope(_)));
        let mut f = blank_procedure();
        f.tbl_alpha = 'F';
        f.points = rust_decimal::Decimal::from(11);
        assert_eq!(classify(&f), Handling::Family("rules/touyaku/"));
    }
}
