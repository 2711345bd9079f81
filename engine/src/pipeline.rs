//! The calculation pipeline for one claim: the order of the stages, and nothing else. Each stage
//! is owned by the rule family it is named after (`engine/src/rules/`), reads the checked claim
//! ([`Ctx`]) and writes the typed ledger ([`Ledger`]):
//!
//! 1. **validate** ([`crate::validate`]): bounds, dates, times, codes looked up once → `ClaimError`;
//! 2. per visit, in date/time order:
//!    **base fee** ([`rules::kihon`]) → **time class** ([`rules::jikan`]) → **注加算** derived
//!    ([`rules::chu_kasan`]) → **DX family** ([`rules::iryo_dx`]) → **注加算** reconciled with the
//!    listed add-ons → **外来管理加算** ([`rules::gairai_kanri`]) → **listed items**
//!    ([`rules::items`], with the family checks of 検査, 注射, 処置, 医学管理, 外来診療料) →
//!    **通則 % 加算** ([`rules::tsusoku`]: 年齢, 時間外・休日・深夜; their listed codes are taken
//!    before `items`) →
//!    **物価対応料** ([`rules::bukka`], 2026-06 →) → **ベースアップ評価料（Ⅰ）** ([`rules::baseup`]) → **（Ⅱ）** ([`rules::baseup2`]) —
//!    both pair with the visit's billed base / 医学管理 / 在宅 lines, so they follow the listed items
//!    (their listed codes are taken before `items` and reconciled here) →
//!    (the listed 疾患別リハ ([`rules::rehab`]) and 精神療法 ([`rules::seishin`]) rows are taken and billed
//!    before `items`) → **注射 通則 加算** ([`rules::chusha`]) → **drugs** ([`rules::touyaku::drugs`]) →
//!    **投薬 family** ([`rules::touyaku::family`]);
//!    the **在宅医療** stage ([`rules::zaitaku`]: 往診料, 訪問診療料, 在総管 taken) runs before the
//!    listed items (after 外来管理加算);
//! 3. month level: **在宅** ([`rules::zaitaku::month_stage`]: 在総管, 主たる指導管理, 材料加算) →
//!    **検査 ladders** ([`rules::kensa::ladders`]) → **病理診断・判断料** ([`rules::byori`]) →
//!    **判断料** ([`rules::kensa::handan`]) → **検体検査管理加算** ([`rules::kanri_hokatsu`]);
//! 4. the **電子点数表 checks** ([`rules::tensuhyo_check`]: 02 包括, 03 背反, 05 算定回数) → **逓減**
//!    ([`rules::teigen`]: 2回目以降 減算 of the lines that survived the checks);
//! 5. the **revision boundary** ([`rules::revision`]);
//! 6. the result ([`Ledger::into_outcome`]): checked sums, provenance, JSON paths.

use crate::context::{Billed, Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::{Level, Outcome};
use crate::rules::{
    self, baseup, baseup2, bukka, chu_kasan, gairai_kanri, iryo_dx, items, jikan, kensa, kihon, rehab, seishin,
    touyaku, tsusoku, zaitaku,
};
use crate::validate::{self, LeftOut};
use crate::{calendar, ClaimError, Engine, Options};
use masters::Code;

/// Computes one claim. With `lenient`, listed items whose code cannot be priced on their date
/// are left out and returned instead of rejecting the claim ([`crate::diff::calculate_lenient`]).
pub(crate) fn run(
    eng: &Engine,
    claim: &crate::Claim,
    opts: Options,
    lenient: bool,
) -> Result<(Outcome, Vec<LeftOut>), ClaimError> {
    let set = eng.masters();
    let checked = validate::validate(set, claim, lenient)?;
    let history: Vec<Billed> = claim
        .history
        .iter()
        .filter_map(|h| {
            Code::parse(&h.code).map(|code| Billed {
                date: h.date,
                code,
                count: h.count,
            })
        })
        .collect();
    let standards = crate::standards::resolve(claim, &eng.index.standard_codes)?;
    let ctx = Ctx {
        claim,
        set,
        index: &eng.index,
        history,
        standards,
        items: checked.items,
    };
    let mut led = Ledger::new(set, opts.trace);
    for (k, h) in ctx.history.iter().enumerate() {
        if set.s.history(h.code).is_empty() && set.y.history(h.code).is_empty() {
            led.diag(
                Level::Info,
                "HISTORY_CODE_UNKNOWN",
                format!("history code {} is not in the master set", h.code),
                format!("history[{k}].code"),
            );
        }
    }
    // Visits in date/time order; visits of the same day are contiguous, so each day's slice is
    // found once and `earlier` grows within it (linear over the claim).
    let mut order: Vec<usize> = (0..claim.visits.len()).collect();
    order.sort_by_key(|&i| {
        let v = &claim.visits[i];
        (v.date, v.time.as_deref().and_then(calendar::parse_hhmm).unwrap_or(0), i)
    });
    let mut start = 0;
    while start < order.len() {
        let date = claim.visits[order[start]].date;
        let len = order[start..]
            .iter()
            .take_while(|&&j| claim.visits[j].date == date)
            .count();
        let same_day = &order[start..start + len];
        let mut earlier: Vec<kihon::Earlier<'_>> = Vec::new();
        for &i in same_day {
            let base = visit(&ctx, &mut led, i, same_day, &earlier);
            earlier.push(kihon::Earlier {
                department: claim.visits[i].department.as_deref(),
                base,
            });
        }
        start += len;
    }
    zaitaku::month_stage(&ctx, &mut led);
    kensa::ladders::stage(&ctx, &mut led);
    rules::byori::stage(&ctx, &mut led);
    kensa::handan::stage(&ctx, &mut led);
    rules::kanri_hokatsu::kentai_kanri_stage(&ctx, &mut led);
    rules::tensuhyo_check::stage(&ctx, &mut led);
    rules::teigen::stage(&ctx, &mut led);
    led.diags.extend(eng.coverage().diagnostic(claim.visits[0].date));
    let outcome = led.into_outcome(claim.id.clone())?;
    Ok((outcome, checked.left_out))
}

/// The stages of one visit, in order; returns the visit's base fee kind (for later visits of
/// the day).
fn visit<'c>(
    ctx: &'c Ctx<'c>,
    led: &mut Ledger<'c>,
    i: usize,
    same_day: &[usize],
    earlier: &[kihon::Earlier<'_>],
) -> Option<kihon::BaseKind> {
    led.visit_start = led.lines.len();
    let v = &ctx.claim.visits[i];
    let mut vs = VisitState {
        i,
        date: v.date,
        consumed: vec![false; v.items.len()],
        kind: None,
        explicit_base: false,
        base_row: None,
        bundle: false,
        class: jikan::Class::Regular,
        class_why: String::new(),
        decisions: Vec::new(),
    };
    kihon::stage(ctx, led, &mut vs, earlier);
    jikan::stage(ctx, led, &mut vs);
    chu_kasan::derive_stage(ctx, led, &mut vs);
    iryo_dx::stage(ctx, led, &mut vs);
    chu_kasan::reconcile_stage(ctx, led, &mut vs);
    gairai_kanri::stage(ctx, led, &mut vs, same_day);
    zaitaku::stage(ctx, led, &mut vs);
    let bukka_listed = bukka::take_listed(ctx, &mut vs);
    let baseup_listed = baseup::take_listed(ctx, &mut vs);
    let baseup2_listed = baseup2::take_listed(ctx, &mut vs);
    let rehab_listed = rehab::take_listed(ctx, &mut vs);
    rehab::stage(ctx, led, &mut vs, &rehab_listed);
    let seishin_listed = seishin::take_listed(ctx, &mut vs);
    seishin::stage(ctx, led, &mut vs, &seishin_listed);
    let tsusoku_listed = tsusoku::take_listed(ctx, &mut vs);
    let listed = items::stage(ctx, led, &mut vs);
    tsusoku::stage(ctx, led, &mut vs, &tsusoku_listed);
    bukka::stage(ctx, led, &mut vs, &bukka_listed);
    baseup::stage(ctx, led, &mut vs, &baseup_listed);
    baseup2::stage(ctx, led, &mut vs, &baseup2_listed);
    rules::chusha::stage(ctx, led, &vs, &listed);
    let drugs = touyaku::drugs::stage(ctx, led, &vs, &listed);
    touyaku::family::stage(ctx, led, &vs, &listed, &drugs);
    vs.kind
}
