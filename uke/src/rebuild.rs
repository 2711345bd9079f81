//! A receipt rewritten with recalculated lines ([`rebuild`]): the facts of the source receipt
//! (RE, HO, KO, KH, SN, JD, MF, GR, SY, SJ …) pass through, the 摘要 lines and the totals come
//! from the recalculation. No dependency on the engine: the caller hands over
//! [`ComputedLine`]s (the CLI maps the engine's result lines onto them).
//!
//! ## 摘要 lines
//! - A computed line that came from a line of the receipt (`source` = its record number) stays
//!   in that line's 算定単位, in the receipt's order, with the line's own fields (負担区分, code,
//!   数量データ / 使用量, comments, 単位 …). Per day the unit's lines with the same 回数 form one
//!   application; days whose applications have the same lines and points become one unit with
//!   their 算定日 columns (1–31), 回数 = Σ columns, and 点数 (Σ of its lines' points, spec §4.3)
//!   on its last line. A unit whose lines or points differ between days is split into one unit
//!   per form, in order of their first day (the 診療識別 stays where the receipt had it).
//! - CO lines stay in place with their unit (the first unit of a split). A unit with no computed
//!   line left (every line removed or unpriced) is dropped with its CO lines, and said so.
//!   Comment-only units (99 receipt-wide comments …) pass through unchanged.
//! - A line the receipt does not have (derived by the engine, or its code changed) becomes a unit
//!   of its own, after the last unit of its 診療識別 (else before the first unit of a later
//!   one), 負担区分 from that unit (else the receipt's most frequent one), days grouped as above.
//!   A derived drug or material cannot be written (its 使用量 is not known): an error.
//! - 診療識別 is written where the receipt had it, and on the first line of a unit whose
//!   preceding unit in the output has another one (so every line reads back under its own).
//!
//! ## Header records
//! - RE: passed through; #2 レセプト番号 renumbered as asked, #4 診療年月 = the month of the
//!   computed lines (differs from the source only when the recalculation re-dated it).
//! - HO: #5 診療実日数 = days with any SI/IY/TO count, #6 合計点数 = Σ 点数 × 回数 over the units
//!   (the reader's rule (a)); KO n: #5 = days of the lines its 負担区分 covers, #6 = Σ over those
//!   units. #12 HO 負担金額 and KO #7 負担金額 / #8 公費給付対象外来一部負担金: from
//!   [`Amounts`] when given (the patient-burden calculation); otherwise kept when that payer's
//!   合計点数 is unchanged, and left **empty** when it changed (the amount of the old points would
//!   be wrong; the 仕様 lets 入院外 receipts omit it where the rules do not require it) — each
//!   such case is a note.
//! - Everything else passes through unchanged; a record after the first 摘要 line that is not a
//!   摘要 line (SJ, TI …) follows the rebuilt 摘要 lines.
//!
//! The rebuilt receipt is read back ([`Receipt::from_records`]) and checked with
//! [`check_receipt`]: a reconciliation error there is a bug, reported as an error.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::check::{check_receipt, Severity};
use crate::date::{DateStyle, UkeDate, UkeMonth};
use crate::error::ReceiptRef;
use crate::layout::{field_spec, Kind};
use crate::receipt::{burden_payers, Payer, Receipt, UnitKind};
use crate::record::{Record, RecordBody};
use crate::writer::Strict;

/// One billed line of a recalculated result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedLine {
    /// Service date.
    pub date: UkeDate,
    /// Master code (診療行為 1…, 医薬品 6…, 特定器材 7…).
    pub code: String,
    /// Points of one unit of the line.
    pub points: i64,
    /// 回数 on that date.
    pub count: u32,
    /// 診療識別 the recalculation gave the line.
    pub section: String,
    /// Record number (in the source file) of the SI/IY/TO line the item came from; None for a
    /// line the recalculation derived.
    pub source: Option<u64>,
}

/// Patient-burden amounts (yen) for HO #12 and KO #7/#8, from the 負担金 calculation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amounts {
    /// HO #12 負担金額 医療保険.
    pub insurance: Option<u32>,
    /// Per KO, in order.
    pub kohi: Vec<KohiAmounts>,
}

/// Amounts of one KO record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KohiAmounts {
    /// KO #7 負担金額 公費.
    pub burden: Option<u32>,
    /// KO #8 公費給付対象外来一部負担金.
    pub outpatient_copay: Option<u32>,
}

/// What [`rebuild`] needs besides the receipt and the lines.
#[derive(Debug, Clone)]
pub struct RebuildOptions {
    /// RE #2 レセプト番号 of the rebuilt receipt.
    pub receipt_no: u32,
    /// 1-based order of the receipt in the output file.
    pub order: usize,
    /// Record number the RE gets in the output file.
    pub first_record: u64,
    /// How dates are written (by the output's 請求年月).
    pub style: DateStyle,
    /// Burden amounts; None = keep or leave empty (module docs).
    pub amounts: Option<Amounts>,
}

/// One record to write: its fields (and the source bytes for unchanged fields), and which
/// fields santei set.
#[derive(Debug, Clone)]
pub struct OutRecord {
    /// The record (number = its line in the output).
    pub record: Record,
    /// Fields santei set (strict when written).
    pub strict: Strict,
    /// Record number of the source record it was made from (0 for a new record).
    pub source_record: u64,
}

/// A receipt ready to write.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// RE first, then every line, in output order.
    pub records: Vec<OutRecord>,
    /// The same records read back as a receipt (for the GO tally).
    pub receipt: Receipt,
    /// What changed or was decided, for the report.
    pub notes: Vec<String>,
}

/// A receipt that cannot be rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildError {
    /// The source receipt.
    pub receipt: ReceiptRef,
    /// What.
    pub message: String,
}

impl fmt::Display for RebuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "receipt {} (RE at record {}): {}",
            self.receipt.order, self.receipt.record_number, self.message
        )
    }
}

impl std::error::Error for RebuildError {}

/// First 算定日情報 field of a record type (14 for SI/IY, 18 for TO).
fn day_start(kind: &str) -> Option<usize> {
    match kind {
        "SI" | "IY" => Some(14),
        "TO" => Some(18),
        _ => None,
    }
}

/// One application on one day: the lines (record, points) billed together with one 回数.
type Signature = Vec<(u64, i64)>;

/// Per day of the month: the computed (source record, points, 回数) entries.
type PerDay = BTreeMap<u8, Vec<(u64, i64, u32)>>;

struct OutUnit {
    section: Option<String>,
    lines: Vec<OutLine>,
    comment_only: bool,
}

struct OutLine {
    fields: Vec<String>,
    strict: Strict,
    /// An SI/IY/TO line (false for CO).
    priced: bool,
    source_record: u64,
}

fn set(fields: &mut [String], strict: &mut Strict, i: usize, value: String) {
    if let Some(f) = fields.get_mut(i - 1) {
        if *f != value {
            *f = value;
            *strict = strict.with(Strict::fields(&[i]));
        }
    }
}

fn put_days(fields: &mut [String], strict: &mut Strict, start: usize, days: &[u32; 31]) {
    for (d, &c) in days.iter().enumerate() {
        set(
            fields,
            strict,
            start + d,
            if c == 0 { String::new() } else { c.to_string() },
        );
    }
}

/// Groups the per-day applications of one unit (or one derived code) into written units:
/// signature → day counts, ordered by first day.
fn group_days(per_day: &PerDay) -> Vec<(Signature, [u32; 31])> {
    let mut out: Vec<(Signature, [u32; 31])> = Vec::new();
    for (&day, entries) in per_day {
        // Merge repeated (record, points) on the day, then split by 回数.
        let mut merged: Vec<(u64, i64, u32)> = Vec::new();
        for &(rec, pts, c) in entries {
            match merged.iter_mut().find(|(r, p, _)| *r == rec && *p == pts) {
                Some(m) => m.2 += c,
                None => merged.push((rec, pts, c)),
            }
        }
        let mut by_count: BTreeMap<u32, Vec<(u64, i64)>> = BTreeMap::new();
        for (rec, pts, c) in merged {
            by_count.entry(c).or_default().push((rec, pts));
        }
        for (c, mut lines) in by_count {
            // A record twice in one application (two different points on one day): one
            // application per occurrence.
            while !lines.is_empty() {
                let mut seen = BTreeSet::new();
                let mut app: Signature = Vec::new();
                lines.retain(|&(rec, pts)| {
                    if seen.insert(rec) {
                        app.push((rec, pts));
                        false
                    } else {
                        true
                    }
                });
                app.sort();
                let slot = match out.iter_mut().position(|(s, _)| *s == app) {
                    Some(i) => i,
                    None => {
                        out.push((app, [0; 31]));
                        out.len() - 1
                    }
                };
                out[slot].1[usize::from(day) - 1] += c;
            }
        }
    }
    out
}

/// Writes every date and month field of a record in `style` (a passed-through 和暦 date in a
/// 西暦 file, or the reverse).
fn restyle_dates(fields: &mut [String], strict: &mut Strict, style: DateStyle) {
    let kind = fields.first().cloned().unwrap_or_default();
    for i in 1..=fields.len() {
        let Some(spec) = field_spec(&kind, i) else { continue };
        let v = &fields[i - 1];
        if v.is_empty() || DateStyle::of_field(v) == Some(style) {
            continue;
        }
        let to = match spec.kind {
            Kind::Date => UkeDate::parse(v).and_then(|d| d.to_uke(style)),
            Kind::Month => UkeMonth::parse(v).and_then(|m| m.to_uke(style)),
            _ => continue,
        };
        // A date that does not parse stays as it is (the reader accepted the record).
        if let Ok(to) = to {
            set(fields, strict, i, to);
        }
    }
}

/// Rebuilds `src` with the recalculated `lines` (module docs).
pub fn rebuild(src: &Receipt, lines: &[ComputedLine], opts: &RebuildOptions) -> Result<Rebuilt, RebuildError> {
    let reference = src.reference();
    let err = |message: String| RebuildError {
        receipt: reference,
        message,
    };
    let mut notes = Vec::new();

    // The month of the computed lines.
    let Some(first) = lines.first() else {
        return Err(err(
            "no line was billed: a receipt without 摘要 lines cannot be written".into(),
        ));
    };
    let month = first.date.month_of();
    if let Some(l) = lines.iter().find(|l| l.date.month_of() != month) {
        return Err(err(format!(
            "the lines fall in two months ({month} and {}): one receipt is one 診療年月",
            l.date.month_of()
        )));
    }

    // Source lines: record number → (unit index, position in the unit).
    let units = src.units();
    let mut where_is: HashMap<u64, (usize, &str)> = HashMap::new();
    for (ui, u) in units.iter().enumerate() {
        for l in &u.lines {
            if !l.is_comment() {
                where_is.insert(l.number, (ui, l.code()));
            }
        }
    }
    let src_records: HashMap<u64, &Record> = src.lines.iter().map(|r| (r.number, r)).collect();

    // Computed lines into the source units, or derived.
    let mut per_unit: Vec<PerDay> = vec![BTreeMap::new(); units.len()];
    let mut derived: BTreeMap<(String, String), PerDay> = BTreeMap::new();
    for l in lines {
        if l.points < 0 {
            return Err(err(format!(
                "{} on {}: {} points cannot be written (点数 is a 数字 field)",
                l.code, l.date, l.points
            )));
        }
        let entry = (l.source.unwrap_or(0), l.points, l.count);
        match l.source.map(|s| (s, where_is.get(&s))) {
            Some((_, Some(&(ui, code)))) if code == l.code => {
                per_unit[ui].entry(l.date.day).or_default().push(entry);
            }
            Some((s, Some(&(_, code)))) => {
                notes.push(format!(
                    "record {s}: {code} was billed as {} (a line of its own)",
                    l.code
                ));
                derived
                    .entry((l.section.clone(), l.code.clone()))
                    .or_default()
                    .entry(l.date.day)
                    .or_default()
                    .push((0, l.points, l.count));
            }
            Some((s, None)) => {
                return Err(err(format!(
                    "a result line ({} on {}) names record {s}, which is no SI/IY/TO line of the receipt",
                    l.code, l.date
                )))
            }
            None => derived
                .entry((l.section.clone(), l.code.clone()))
                .or_default()
                .entry(l.date.day)
                .or_default()
                .push(entry),
        }
    }

    // Source units → output units.
    let mut out_units: Vec<OutUnit> = Vec::new();
    for (ui, u) in units.iter().enumerate() {
        let section = u.section.map(str::to_owned);
        if u.kind == UnitKind::CommentOnly {
            out_units.push(OutUnit {
                section,
                lines: u
                    .lines
                    .iter()
                    .map(|l| OutLine {
                        fields: src_records[&l.number].fields.clone(),
                        strict: Strict::NONE,
                        priced: false,
                        source_record: l.number,
                    })
                    .collect(),
                comment_only: true,
            });
            continue;
        }
        let groups = group_days(&per_unit[ui]);
        if groups.is_empty() {
            let codes: Vec<&str> = u.priced_lines().map(|l| l.code()).collect();
            notes.push(format!(
                "unit at record {} ({}) dropped: none of its lines was billed{}",
                u.first_record_number(),
                codes.join("+"),
                if u.comments().next().is_some() {
                    ", with its CO line(s)"
                } else {
                    ""
                }
            ));
            continue;
        }
        if groups.len() > 1 {
            notes.push(format!(
                "unit at record {} written as {} units (its lines or points differ between days)",
                u.first_record_number(),
                groups.len()
            ));
        }
        for (gi, (sig, days)) in groups.iter().enumerate() {
            let total: i64 = sig.iter().map(|(_, p)| p).sum();
            let count: u32 = days.iter().sum();
            let keep: BTreeSet<u64> = sig.iter().map(|(r, _)| *r).collect();
            let mut out_lines: Vec<OutLine> = Vec::new();
            for l in &u.lines {
                let rec = src_records[&l.number];
                if l.is_comment() {
                    if gi == 0 {
                        out_lines.push(OutLine {
                            fields: rec.fields.clone(),
                            strict: Strict::NONE,
                            priced: false,
                            source_record: l.number,
                        });
                    }
                    continue;
                }
                if !keep.contains(&l.number) {
                    continue;
                }
                let mut fields = rec.fields.clone();
                let mut strict = Strict::NONE;
                set(&mut fields, &mut strict, 6, String::new());
                set(&mut fields, &mut strict, 7, count.to_string());
                if let Some(start) = day_start(rec.kind()) {
                    put_days(&mut fields, &mut strict, start, days);
                }
                out_lines.push(OutLine {
                    fields,
                    strict,
                    priced: true,
                    source_record: l.number,
                });
            }
            if let Some(last) = out_lines.iter_mut().rev().find(|l| l.priced) {
                set(&mut last.fields, &mut last.strict, 6, total.to_string());
            }
            out_units.push(OutUnit {
                section: section.clone(),
                lines: out_lines,
                comment_only: false,
            });
        }
    }

    // Derived lines → units of their own.
    let common_burden = {
        let mut n: BTreeMap<&str, usize> = BTreeMap::new();
        for l in src.detail_lines().iter().filter(|l| !l.is_comment()) {
            *n.entry(l.burden()).or_default() += 1;
        }
        n.into_iter().max_by_key(|(_, c)| *c).map(|(b, _)| b.to_owned())
    };
    for ((section, code), per_day) in &derived {
        let kind = match code.as_bytes().first() {
            Some(b'1') => "SI",
            Some(b'6') => "IY",
            Some(b'7') => "TO",
            _ => {
                return Err(err(format!(
                    "the recalculation billed {code}, which is no 診療行為/医薬品/特定器材 code"
                )))
            }
        };
        if kind != "SI" {
            return Err(err(format!(
                "the recalculation added {kind} {code} (診療識別 {section}), whose 使用量 is not known: it cannot be written"
            )));
        }
        let after = out_units
            .iter()
            .rposition(|u| u.section.as_deref() == Some(section.as_str()) && !u.comment_only);
        let pos = match after {
            Some(i) => i + 1,
            None => out_units
                .iter()
                .position(|u| u.section.as_deref().is_some_and(|s| s > section.as_str()))
                .unwrap_or(out_units.len()),
        };
        let burden = after
            .and_then(|i| {
                out_units[i]
                    .lines
                    .iter()
                    .rev()
                    .find(|l| l.priced)
                    .map(|l| l.fields[2].clone())
            })
            .or_else(|| common_burden.clone())
            .unwrap_or_else(|| if src.ho().is_some() { "1" } else { "5" }.to_owned());
        let mut new_units = Vec::new();
        for (sig, days) in group_days(per_day) {
            let total: i64 = sig.iter().map(|(_, p)| p).sum();
            let count: u32 = days.iter().sum();
            let mut fields = vec![String::new(); 44];
            fields[0] = kind.to_owned();
            fields[2] = burden.clone();
            fields[3] = code.clone();
            fields[5] = total.to_string();
            fields[6] = count.to_string();
            let mut strict = Strict::ALL;
            put_days(&mut fields, &mut strict, 14, &days);
            new_units.push(OutUnit {
                section: Some(section.clone()),
                lines: vec![OutLine {
                    fields,
                    strict: Strict::ALL,
                    priced: true,
                    source_record: 0,
                }],
                comment_only: false,
            });
            notes.push(format!(
                "{code} ({section}) added: {total} 点 × {count}, 負担区分 {burden} (derived by the recalculation)"
            ));
        }
        for (k, u) in new_units.into_iter().enumerate() {
            out_units.insert(pos + k, u);
        }
    }

    // 診療識別 where the reader needs it.
    let mut prev: Option<String> = None;
    for u in &mut out_units {
        if let (Some(s), Some(first)) = (&u.section, u.lines.first_mut()) {
            if prev.as_ref() != Some(s) && first.fields.get(1).is_some_and(String::is_empty) {
                set(&mut first.fields, &mut first.strict, 2, s.clone());
            }
        }
        if u.section.is_some() {
            prev = u.section.clone();
        }
    }
    if out_units.iter().all(|u| u.comment_only) {
        return Err(err(
            "no line was billed on any day: a receipt without 摘要 lines cannot be written".into(),
        ));
    }

    // Assemble: header, 摘要, trailer.
    let first_detail = src.lines.iter().position(|r| {
        matches!(
            r.body,
            RecordBody::Si(_) | RecordBody::Iy(_) | RecordBody::To(_) | RecordBody::Co(_)
        )
    });
    let (head, tail): (Vec<&Record>, Vec<&Record>) = match first_detail {
        Some(i) => (
            src.lines[..i].iter().collect(),
            src.lines[i..]
                .iter()
                .filter(|r| {
                    !matches!(
                        r.body,
                        RecordBody::Si(_) | RecordBody::Iy(_) | RecordBody::To(_) | RecordBody::Co(_)
                    )
                })
                .collect(),
        ),
        None => (src.lines.iter().collect(), Vec::new()),
    };

    // Totals per payer from the output units.
    let mut unit_sums: Vec<(String, u64, BTreeSet<u8>)> = Vec::new(); // (burden, 点数×回数, days)
    for u in out_units.iter().filter(|u| !u.comment_only) {
        let priced: Vec<&OutLine> = u.lines.iter().filter(|l| l.priced).collect();
        let Some(last) = priced.last() else { continue };
        let points: u64 = last.fields[5].parse().unwrap_or(0);
        let count: u64 = last.fields[6].parse().unwrap_or(0);
        let mut days = BTreeSet::new();
        for l in &priced {
            let start = day_start(&l.fields[0]).unwrap_or(14);
            for d in 0..31u8 {
                if l.fields.get(start + usize::from(d) - 1).is_some_and(|c| !c.is_empty()) {
                    days.insert(d + 1);
                }
            }
        }
        unit_sums.push((last.fields[2].clone(), points * count, days));
    }
    let covers = |b: &str, p: Payer| burden_payers(b).is_some_and(|ps| ps.contains(&p));
    let all_total: u64 = unit_sums.iter().map(|u| u.1).sum();
    let all_days: BTreeSet<u8> = unit_sums.iter().flat_map(|u| u.2.iter().copied()).collect();

    let mut records: Vec<OutRecord> = Vec::new();
    let mut re_fields = src.re_fields.clone();
    let mut re_strict = Strict::NONE;
    set(&mut re_fields, &mut re_strict, 2, opts.receipt_no.to_string());
    let month_text = month.to_uke(opts.style).map_err(err)?;
    if month != src.re.service_month {
        notes.push(format!(
            "診療年月 {} → {month} (the recalculation's dates)",
            src.re.service_month
        ));
    }
    if UkeMonth::parse(&re_fields[3]).ok() != Some(month) {
        set(&mut re_fields, &mut re_strict, 4, month_text);
    }
    records.push(OutRecord {
        record: Record {
            number: 0,
            fields: re_fields,
            body: RecordBody::Other { kind: "RE".into() },
            raw: src.re_raw.clone(),
            bare_lf: false,
        },
        strict: re_strict,
        source_record: src.record_number,
    });

    let amount = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut kohi_n = 0u8;
    for r in &head {
        let mut fields = r.fields.clone();
        let mut strict = Strict::NONE;
        match &r.body {
            RecordBody::Ho(ho) => {
                let days = all_days.len();
                set(&mut fields, &mut strict, 5, days.to_string());
                set(&mut fields, &mut strict, 6, all_total.to_string());
                let changed = u64::from(ho.total_points) != all_total;
                match &opts.amounts {
                    Some(a) => set(&mut fields, &mut strict, 12, amount(a.insurance)),
                    None if changed && !fields[11].is_empty() => {
                        notes.push(format!(
                            "HO 負担金額 {} left empty: 合計点数 {} → {all_total} and no burden was computed",
                            fields[11], ho.total_points
                        ));
                        set(&mut fields, &mut strict, 12, String::new());
                    }
                    None => {}
                }
            }
            RecordBody::Ko(ko) => {
                kohi_n += 1;
                let p = Payer::Kohi(kohi_n);
                let total: u64 = unit_sums.iter().filter(|u| covers(&u.0, p)).map(|u| u.1).sum();
                let days: BTreeSet<u8> = unit_sums
                    .iter()
                    .filter(|u| covers(&u.0, p))
                    .flat_map(|u| u.2.iter().copied())
                    .collect();
                set(&mut fields, &mut strict, 5, days.len().to_string());
                set(&mut fields, &mut strict, 6, total.to_string());
                let changed = u64::from(ko.total_points) != total;
                match opts.amounts.as_ref() {
                    Some(a) => {
                        let k = a.kohi.get(usize::from(kohi_n) - 1).cloned().unwrap_or_default();
                        set(&mut fields, &mut strict, 7, amount(k.burden));
                        set(&mut fields, &mut strict, 8, amount(k.outpatient_copay));
                    }
                    None if changed => {
                        for (i, name) in [(7, "負担金額"), (8, "公費給付対象外来一部負担金")] {
                            if !fields[i - 1].is_empty() {
                                notes.push(format!(
                                    "第{kohi_n}公費 KO {name} {} left empty: 合計点数 {} → {total} and no burden was computed",
                                    fields[i - 1], ko.total_points
                                ));
                                set(&mut fields, &mut strict, i, String::new());
                            }
                        }
                    }
                    None => {}
                }
            }
            _ => {}
        }
        records.push(OutRecord {
            record: Record {
                number: 0,
                fields,
                body: RecordBody::Other { kind: String::new() },
                raw: r.raw.clone(),
                bare_lf: false,
            },
            strict,
            source_record: r.number,
        });
    }
    for u in out_units {
        for l in u.lines {
            let raw = src_records.get(&l.source_record).and_then(|r| r.raw.clone());
            records.push(OutRecord {
                record: Record {
                    number: 0,
                    fields: l.fields,
                    body: RecordBody::Other { kind: String::new() },
                    raw,
                    bare_lf: false,
                },
                strict: l.strict,
                source_record: l.source_record,
            });
        }
    }
    for r in tail {
        records.push(OutRecord {
            record: Record {
                number: 0,
                fields: r.fields.clone(),
                body: RecordBody::Other { kind: String::new() },
                raw: r.raw.clone(),
                bare_lf: false,
            },
            strict: Strict::NONE,
            source_record: r.number,
        });
    }

    // Number, type and read back.
    let mut parsed = Vec::with_capacity(records.len());
    for (k, o) in records.iter_mut().enumerate() {
        let number = opts.first_record + k as u64;
        restyle_dates(&mut o.record.fields, &mut o.strict, opts.style);
        let rec = Record::parse(number, o.record.fields.clone()).map_err(|e| {
            err(format!(
                "the rebuilt {} record (from record {}) does not read back: {e}",
                o.record.fields.first().map(String::as_str).unwrap_or(""),
                o.source_record
            ))
        })?;
        o.record.number = number;
        o.record.body = rec.body.clone();
        parsed.push(rec);
    }
    let mut it = parsed.into_iter();
    let re = it.next().ok_or_else(|| err("no RE record".into()))?;
    let receipt = Receipt::from_records(opts.order, re, it.collect())
        .map_err(|e| err(format!("the rebuilt receipt does not read back: {e}")))?;
    let issues = check_receipt(&receipt);
    if let Some(i) = issues.iter().find(|i| i.severity() == Severity::Error) {
        return Err(err(format!(
            "the rebuilt receipt does not reconcile (a santei bug): {i}"
        )));
    }
    for i in issues {
        notes.push(format!("rebuilt receipt: {i}"));
    }
    Ok(Rebuilt {
        records,
        receipt,
        notes,
    })
}
