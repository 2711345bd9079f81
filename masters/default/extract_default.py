#!/usr/bin/env python3
"""Rebuilds masters/default/ssk/**, masters/default/tensuhyo/** and masters/default/SOURCES.md from
the staged SSK files.

Usage: python3 masters/default/extract_default.py [SHARED_DATA_DIR]   (default: ../shared/data
relative to the workspace root, i.e. /work/shared/data)

Rule: for the chosen codes (CHOSEN below; the 注加算 groups are computed from the data), every
row of those codes is copied byte-for-byte, in file order, from EVERY staged s/y/t/c file (full
files and deltas). One excerpt per official file that has such a row, same relative directory,
same name; a zip's single member is written as the plain CSV (s_ALL20240531.zip ->
s_ALL20240531.csv). Each row keeps the official file's own line end (CRLF everywhere except
s_20220304.csv, which is LF-only upstream); a last row that had no line end gets the file's one.

電子点数表 (TENSUHYO below): from each staged table 01, 03-2, 03-3, 03-4, 05 of
tensuhyo/2024/, every row whose code columns (01: 診療行為コード; 03: コード① and コード②, both;
05: 診療行為コード) are all among the chosen s codes is copied byte-for-byte, in file order, to
tensuhyo/2024/<same name>. A table without such a row gets no file (an empty file would not load).
No 02 包括 table is ever written: its presence switches the engine's hand-coded 外来診療料 list off.

Every official file read must have the sha256 that shared/data/MANIFEST.md lists for it.
"""
import csv
import hashlib
import io
import os
import re
import shutil
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'data'))

# ---------------------------------------------------------------------------------------------
# The chosen codes (s also gets every code whose 注加算コード, col 38, is 1101/1201/1202 in any file).
CHU_KASAN_GROUPS = {'1101': '初診料 111000110', '1201': '再診料 112007410', '1202': '外来診療料 112011310'}

S_BASE = {
    '再診 time 加算 (no 注加算 link)': '112001110 112001210 112001310 112001410 112014770 112014870 112014970 112015070 112014170 112014270 112014370',
    '再診 夜間・早朝等 / 外来管理加算': '112015570 112011010',
    '外来診療料 time/乳幼児 加算 (入院外)': '112006270 112006470 112006570 112006670 112006770 112015170 112015270 112015370 112015470 112014470 112014570 112014670',
    '2科目 (初診/再診/外来診療料)': '111011810 111014510 111012610 111012810 111014610 111014710 112015810 112017010 112016210 112016410 112017610',
    'DX/医療情報 family (rules.md §2.1)': '111015170 111015270 112024610 112024810 111015970 111016070 112026570 112026670 113045070 113045170 113045270 '
    '111703170 111703270 112708870 112708970 112709170 112709270 113705270 113705370 113705570 113705770 '
    '111703370 111703470 111703570 111703670 111703770 111703870 113705470 113707770 113707870 113707970 113708070 113708170',
    '外来・在宅ベースアップ評価料（Ⅰ） (R6 O100; the supplement changes them for R8 O001)': '180725710 180725810 180725910 180726010',
    '特掲 (quick tests)': '113001810 120005610 120005710 120002370 113003510 113003610 113003710 113003810 '
    '120000710 120001010 120001210 120002610 120002910 120001810 120004270 120003570 120000110 120002030 '
    '160008010 160010010 160022510 160022610 160020410 160019510 160022410 160023410 160167250 160020910 '
    '160019010 160019210 160019310 160019410 160021110 160021410 160017410 160020010 160161510 '
    '160000310 160061710 160061810 160061910 160062110 160177770 160095710 160095970 160229450 '
    '130000510 130003510 130009310 130003810 130003710 140000610 140002210 140029610 140040310 '
    '170000410 170001910 170027910 170000210 160068410',
}
Y_CODES = ('620000033 620098801 620452801 610453119 612370052 612340024 612320350 620007870 621951001 622225001 '
           '620008704 620007812 620003477 620009048 620766024 620767302 640454002 611170513 618110023')
T_CODES = '700010000 700080000 700640000 710010136 710010158 710010176'
C_CODES = '810000001 820000001 830000002 830100206 830100474 840000001 850100201'


# 電子点数表 tables of the default set: (file name under tensuhyo/2024/, 0-based code columns,
# column count). The code columns follow masters/src/tensuhyo/rows.rs (HojoRow col 2, HaihanRow
# cols 2 and 4, KaisuRow col 2). 02 包括 is left out on purpose (see the docstring); 04 入院基本料
# has no row for these codes (no 入院料 is chosen).
TENSUHYO_DIR = 'tensuhyo/2024'
TENSUHYO = [
    ('01補助マスターテーブル.csv', (1,), 27),
    ('03-2背反テーブル2.csv', (1, 3), 10),
    ('03-3背反テーブル3.csv', (1, 3), 10),
    ('03-4背反テーブル4.csv', (1, 3), 10),
    ('05算定回数テーブル.csv', (1,), 14),
]


def manifest_sha():
    """sha256 of every file MANIFEST.md lists, by its path under shared/data/."""
    text = open(os.path.join(DATA, 'MANIFEST.md'), encoding='utf-8').read()
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) >= 2 and cells[0].startswith('data/') and re.fullmatch(r'[0-9a-f]{64}', cells[-1]):
            out[cells[0][len('data/'):]] = cells[-1]
    return out


def check_manifest(manifest, rel, sha):
    want = manifest.get(rel)
    if want is None:
        sys.exit(f'{rel}: not listed in MANIFEST.md')
    if want != sha:
        sys.exit(f'{rel}: sha256 {sha}, MANIFEST.md says {want}')


def extract_tensuhyo(s_codes, manifest):
    """Writes tensuhyo/2024/<name> for each table of TENSUHYO; returns one summary row per table."""
    out_root = os.path.join(HERE, 'tensuhyo')
    shutil.rmtree(out_root, ignore_errors=True)
    summary = []
    for name, code_cols, ncols in TENSUHYO:
        assert not name.startswith('02'), 'never ship a 02 包括 table'
        rel = f'{TENSUHYO_DIR}/{name}'
        b = open(os.path.join(DATA, rel), 'rb').read()
        sha = hashlib.sha256(b).hexdigest()
        check_manifest(manifest, rel, sha)
        eol = b'\r\n' if b'\r\n' in b else b'\n'
        lines = b.split(eol)
        if lines[-1] == b'':
            lines.pop()
        sel = []
        partial = 0
        for ln in lines:
            f = next(csv.reader([ln.decode('cp932')]))
            if len(f) != ncols:
                sys.exit(f'{rel}: a row of {len(f)} columns, want {ncols}: {ln[:80]!r}')
            inside = [f[c] in s_codes for c in code_cols]
            if all(inside):
                sel.append((ln, f))
            elif any(inside):
                partial += 1
        data = b''.join(ln + eol for ln, _ in sel)
        out_rel = None
        if sel:
            out_rel = f'tensuhyo/2024/{name}'
            path = os.path.join(HERE, out_rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'wb') as fh:
                fh.write(data)
        kinds = {}
        for _, f in sel:
            kinds[f[0]] = kinds.get(f[0], 0) + 1
        summary.append((out_rel, rel, sha, len(sel), len(lines), partial,
                        ' '.join(f'{k}×{v}' for k, v in sorted(kinds.items())), len(data), eol))
    return summary


def key(kind, f):
    if kind == 'c':
        return '8%02d%06d' % (int(f[3]), int(f[4]))
    return f[2]


def files():
    out = []
    for dp, _, fn in os.walk(os.path.join(DATA, 'ssk')):
        for f in fn:
            if re.match(r'^[sytc]_(ALL)?\d{8}\.(csv|zip)$', f):
                out.append(os.path.relpath(os.path.join(dp, f), DATA))
    return sorted(out)


def read(rel):
    b = open(os.path.join(DATA, rel), 'rb').read()
    sha = hashlib.sha256(b).hexdigest()
    member = None
    if rel.endswith('.zip'):
        z = zipfile.ZipFile(io.BytesIO(b))
        names = [n for n in z.namelist() if not n.endswith('/')]
        assert len(names) == 1, rel
        member = names[0]
        b = z.read(member)
    eol = b'\r\n' if b'\r\n' in b else b'\n'
    lines = b.split(eol)
    if lines[-1] == b'':
        lines.pop()
    rows = [(ln, next(csv.reader([ln.decode('cp932')]))) for ln in lines]
    return sha, member, rows, eol


def pub(name):
    return re.search(r'(\d{8})', name).group(1)


def main():
    manifest = manifest_sha()
    db = {rel: read(rel) for rel in files()}
    for rel, (sha, _, _, _) in db.items():
        check_manifest(manifest, rel, sha)
    s = set()
    group_of = {}
    for rel, (_, _, rows, _) in db.items():
        if os.path.basename(rel)[0] != 's':
            continue
        for _, f in rows:
            if f[37] in CHU_KASAN_GROUPS:
                s.add(f[2])
                group_of.setdefault(f[2], set()).add(f[37])
    cat = {c: '注加算 ' + '/'.join(sorted(group_of[c])) for c in s}
    for label, codes in S_BASE.items():
        for c in codes.split():
            s.add(c)
            cat.setdefault(c, label)
    chosen = {'s': s, 'y': set(Y_CODES.split()), 't': set(T_CODES.split()), 'c': set(C_CODES.split())}

    out_root = os.path.join(HERE, 'ssk')
    shutil.rmtree(out_root, ignore_errors=True)
    table = []
    names = {}
    seen = {k: set() for k in chosen}
    for rel in sorted(db, key=lambda r: (pub(os.path.basename(r)), r)):
        sha, member, rows, eol = db[rel]
        name = os.path.basename(rel)
        kind = name[0]
        sel = [(ln, f) for ln, f in rows if key(kind, f) in chosen[kind]]
        is_full = 'ALL' in name or name.endswith('.zip') or any(f[0] == '0' for _, f in rows)
        if not sel:
            if is_full:
                sys.exit(f'{rel}: a full file without any chosen {kind} row (its codes would be closed)')
            continue
        for _, f in sel:
            k = key(kind, f)
            seen[kind].add(k)
            nm = f[6] if kind == 'c' else f[4]
            if nm:
                names[k] = nm
        zeros = sum(1 for _, f in sel if f[0] == '0')
        if is_full and zeros == 0:
            sys.exit(f'{rel}: the excerpt of a full file has no 変更区分 0 row')
        out_rel = os.path.join(os.path.dirname(rel), member or name)
        path = os.path.join(HERE, out_rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = b''.join(ln + eol for ln, _ in sel)
        with open(path, 'wb') as fh:
            fh.write(data)
        kinds = {}
        for _, f in sel:
            kinds[f[0]] = kinds.get(f[0], 0) + 1
        table.append((out_rel, rel, member, sha, len(sel), len(rows), 'full' if is_full else 'delta',
                      ' '.join(f'{k}×{v}' for k, v in sorted(kinds.items())), len(data), eol))
    digests = {}
    for t in table:
        d = hashlib.sha256(open(os.path.join(HERE, t[0]), 'rb').read()).hexdigest()
        if d in digests:
            sys.exit(f'{t[0]} is byte-identical to {digests[d]} (the loader would skip it)')
        digests[d] = t[0]
    for k, v in chosen.items():
        missing = sorted(v - seen[k])
        if missing:
            sys.exit(f'chosen {k} codes not found in any file: {missing}')
    tables = extract_tensuhyo(chosen['s'], manifest)
    write_sources(table, tables, chosen, names, cat)


def write_sources(table, tables, chosen, names, cat):
    total = sum(t[8] for t in table)
    t_total = sum(t[7] for t in tables)
    t_files = [t for t in tables if t[0]]
    o = []
    o.append('# Embedded default master set: sources\n')
    o.append('The files under `ssk/` are **excerpts** of the official SSK master files staged in '
             '`shared/data/ssk/` (see `shared/data/MANIFEST.md`). Every row was copied byte-for-byte '
             '(Shift_JIS, quoting and line end as published) from the official file of the same name. '
             'For the chosen codes listed below, *every* row of those codes was taken from *every* staged s/y/t/c file '
             '(full files and 変更ファイル, 2022-02 … 2025-11), in file order, so that each code has exactly the '
             'version history it has when the whole `shared/data` folder is loaded (checked by '
             '`masters/tests/embedded.rs`). A zip\'s single member is stored as the plain CSV under the zip\'s base name.\n')
    o.append('The files under `tensuhyo/2024/` are excerpts of the 医科電子点数表 tables staged in `shared/data/tensuhyo/2024/` '
             '(令和6年度版), made the same way: see [電子点数表 excerpts](#電子点数表-excerpts).\n')
    o.append('Regenerate with `python3 masters/default/extract_default.py [path/to/shared/data]` (it rewrites `ssk/`, '
             '`tensuhyo/` and this file; it stops when an official file\'s sha256 is not the one MANIFEST.md lists).\n')
    o.append(f'Total: {len(table) + len(t_files)} files, {sum(t[4] for t in table) + sum(t[3] for t in tables)} rows, '
             f'{total + t_total:,} bytes (SSK masters: {len(table)} files, {sum(t[4] for t in table)} rows, {total:,} bytes; '
             f'電子点数表: {len(t_files)} files, {sum(t[3] for t in tables)} rows, {t_total:,} bytes).\n')
    o.append('Notes on the data:\n')
    o.append('- `ssk/2025-11/t_20251128.csv` and `ssk/2025-11/c_20250715.csv` are full files whose names lack `ALL`; the loader '
             'classifies them as full because they contain 変更区分 `0` rows. Their excerpts keep only `0` rows, so they stay full. '
             'Every excerpt of a full file has at least one `0` row (column "kinds").')
    o.append('- `ssk/deltas/s/s_20220304.csv` is LF-only upstream (not CRLF as MANIFEST.md says); its excerpt keeps LF. '
             'Seven other s deltas (s_20220502, s_20220520, s_20220630, s_20220729, s_20220901, s_20221228, s_20230502) '
             'lack a line end after their last row upstream; an excerpt row always ends with the file\'s line end.')
    o.append('- The s master has no D007 包括 rows (「血液化学検査（５項目以上…）」); the item-count ladders are hand-coded '
             '(rules.md §3.2). 160161510 入院時初回加算 (the D007 入院 add-on) is included instead.')
    o.append('- No full file of a kind lacks the chosen codes of that kind (a full file closes every code it does not hold).\n')
    o.append('## Excerpt files\n')
    o.append('| excerpt (under masters/default/) | official file (under shared/data/) | sha256 of the official file (MANIFEST.md) | rows copied | of rows | role | 変更区分 of the copied rows | bytes |')
    o.append('|---|---|---|---:|---:|---|---|---:|')
    for out_rel, rel, member, sha, n, of, role, kinds, size, eol in table:
        src = f'`{rel}`' + (f' (member {member})' if member else '')
        if eol == b'\n':
            src += ' — LF line ends'
        o.append(f'| `{out_rel}` | {src} | `{sha}` | {n} | {of:,} | {role} | {kinds} | {size:,} |')
    o.append('')
    o.append('## 電子点数表 excerpts\n')
    o.append('From each staged table below, every row that concerns only chosen s codes was copied byte-for-byte '
             '(Shift_JIS, every field quoted, CRLF, no header, file order): for 01 補助 and 05 算定回数 the row\'s '
             '診療行為コード (col 2) is a chosen s code; for 03 背反 **both** コード① (col 2) and コード② (col 4) are. '
             'A 背反 pair with one code outside the set is left out (column "pairs left out"): a claim on the default set '
             'cannot bill that other code (it has no s row), and SSK publishes each pair in both directions, so both '
             'directions of every kept pair are kept. The loaded default set\'s tables are therefore the full tables '
             'restricted to these codes (checked by `masters/tests/embedded.rs`).\n')
    o.append('- **03-4 背反テーブル4** (1週間につき) has no row whose two codes are both chosen (its 108 rows with a chosen code '
             'pair it with 113013910 外来リハビリテーション診療料１ or 113014110 外来放射線照射診療料, neither in the set), so no file is shipped (an empty file '
             'would not load): the default set lists 03-4 in `tensuhyo.missing` / `TENSUHYO_MISSING`, which the full '
             'staged set does not. Restricted to the chosen codes the table is empty, so no result differs.')
    o.append('- **02 包括テーブル** is not staged and must never be shipped here: when a set holds a 02 table the engine '
             'switches its hand-coded 外来診療料 (A002注6) list off. **03-1 背反テーブル1** is not staged either.')
    o.append('- **04 入院基本料テーブル** is not shipped: no chosen code is a 入院料 or one of its 加算.\n')
    o.append('| excerpt (under masters/default/) | official file (under shared/data/) | sha256 of the official file (MANIFEST.md) | rows copied | of rows | pairs left out (one code outside the set) | 変更区分 of the copied rows | bytes |')
    o.append('|---|---|---|---:|---:|---:|---|---:|')
    for out_rel, rel, sha, n, of, partial, kinds, size, eol in tables:
        excerpt = f'`{out_rel}`' if out_rel else '— (no row: not shipped)'
        left = f'{partial:,}' if '背反' in rel else '—'
        o.append(f'| {excerpt} | `{rel}` | `{sha}` | {n} | {of:,} | {left} | {kinds or "—"} | {size:,} |')
    o.append('')
    o.append('## Chosen codes\n')
    o.append('The s set is every code whose 注加算コード (col 38) is ' +
             ', '.join(f'{k} ({v})' for k, v in CHU_KASAN_GROUPS.items()) +
             ' in any staged file, plus the lists below. Names are the latest name in the data (a code can change its name over time).\n')
    kind_title = {'s': '医科診療行為 (s)', 'y': '医薬品 (y)', 't': '特定器材 (t)', 'c': 'コメント (c)'}
    for k in 'sytc':
        o.append(f'### {kind_title[k]}: {len(chosen[k])} codes\n')
        o.append('| code | name | why |' if k == 's' else '| code | name |')
        o.append('|---|---|---|' if k == 's' else '|---|---|')
        for c in sorted(chosen[k]):
            nm = names.get(c, '') or '(free text; pattern 10)'
            o.append(f'| {c} | {nm} | {cat[c]} |' if k == 's' else f'| {c} | {nm} |')
        o.append('')
    o.append(DRUG_NOTES)
    with open(os.path.join(HERE, 'SOURCES.md'), 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(o))


DRUG_NOTES = """### Why these y / t / c codes

- y: カロナール錠３００ 620000033 (7.00円, ≤15円 per dose), ムコダイン錠２５０ｍｇ 610453119 (8.50円: ×3 = 25.5円, the 五捨五超入 boundary), ビオフェルミンＲ錠 612370052 (5.90円: ×5 = 29.5円), 酸化マグネシウム 612340024 (0.93円/g), ロキソニン錠６０ｍｇ 620098801 and ムコスタ錠１００ｍｇ 620452801 (10.10円, 長期収載品 with a 選定療養 flag from y_20240906), ガスター錠２０ｍｇ 612320350 (15.20円), アムロジピン錠５ｍｇ「サワイ」 620007870 (後発品, 一般名処方), higher-priced ジャヌビア錠５０ｍｇ 621951001 and エリキュース錠５ｍｇ 622225001, as-needed ブスコパン錠１０ｍｇ 620008704, external ロキソニンテープ５０ｍｇ 620007812 / ロキソニンパップ１００ｍｇ 620003477 (湿布) and ヒルドイドソフト軟膏０．３％ 620009048, injections 生理食塩液「ヒカリ」２０ｍＬ 620766024, 生理食塩液「ＮＰ」５００ｍＬ 620767302 and アリナミンＦ１０注 640454002 (vitamin), 向精神薬 デパス錠０．５ｍｇ 611170513 and 麻薬 ＭＳコンチン錠１０ｍｇ 618110023.
- t: films 700010000 半切, 700080000 四ツ切, 700640000 フィルム（２４×３０）; 710010136 皮膚欠損用創傷被覆材（真皮）, 710010158 膀胱留置用ディスポーザブルカテーテル（２管一般（１））; 710010176 歯科鋳造用金銀パラジウム合金 (歯科, but the one t item whose price changes in every delta: it gives the t chain a real history to check).
- c: 810000001 (pattern 10), 820000001 別途コメントあり (20), 830000002 保険種別等変更 (30), 830100206 長期投与理由 (30), 830100474 救急医療管理加算２ (changed 2024-10, abolished 2025-03-31: a c chain with history), 840000001 電話等再診（　回） (40), 850100201 初診年月日（処方箋料） (50).
- 160229450 ＳＡＲＳ－ＣｏＶ－２核酸検出（検査委託） (1,350 → 850 → 700 点 across the 2022 deltas) keeps the cumulative 2022-03 deltas s_20220311/0318/0325 from producing byte-identical excerpts (the loader skips a byte-identical second file).
"""

if __name__ == '__main__':
    main()
