#!/usr/bin/env python3
"""Writes the 2026-06 (令和8) supplement: s_20260305.csv (official s layout: 150 columns, Shift_JIS,
CRLF, every field quoted), s_20260305.sources.csv (UTF-8: code,source,confidence) and SOURCES.md.

Usage: python3 masters/supplement/make_supplement.py [SHARED_DATA_DIR]   (default /work/shared/data)

The complete (新規) rows are built from real rows of the staged masters (templates named below),
changing only the fields listed in TEMPLATE_EDITS; the data folder is read only for the templates.
"""
import csv
import io
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'data'))
NCOLS = 150
CHANGE_DATE = '20260601'
ABOLISH_DATE = '20260531'


def read_rows(rel):
    p = os.path.join(DATA, rel)
    b = open(p, 'rb').read()
    if rel.endswith('.zip'):
        z = zipfile.ZipFile(io.BytesIO(b))
        b = z.read([n for n in z.namelist() if not n.endswith('/')][0])
    return list(csv.reader(io.StringIO(b.decode('cp932'), newline='')))


def template(rel, code):
    rows = [r for r in read_rows(rel) if r[2] == code]
    assert len(rows) == 1, (rel, code, len(rows))
    r = rows[0]
    assert len(r) == NCOLS
    return list(r)


def kana20(s):
    return s[:20]


# ---------------------------------------------------------------------------------------------
# Sources. R8告示 = 令和8年 医科点数表 (rules.md §0); confidence marks as in rules.md (H/M/L).
POINTS = [
    # code, new points, name (for SOURCES.md), source, confidence
    ('112007410', 76, '再診料', 'R8告示 A001 再診料 (rules.md §1.2/§1.4)', 'H'),
    ('112008350', 76, '同日再診料', 'R8告示 A001 (同日再診 = 再診料 points; rules.md §1.2: code row not seen)', 'L'),
    ('112007950', 76, '電話等再診料', 'R8告示 A001注9 (points = 再診料; rules.md §1.2: code row not seen)', 'L'),
    ('112008850', 76, '同日電話等再診料', 'R8告示 A001注9 (points = 再診料; rules.md §1.2: code row not seen)', 'L'),
    ('112024210', 76, '再診料（情報通信機器）', 'R8告示 A001注1 ただし書 (rules.md §1.2: code row not seen)', 'L'),
    ('112016610', 56, '特定妥結率再診料', 'R8告示 A001注2 (rules.md §1.2/§1.4)', 'H'),
    ('112015810', 39, '再診料（同一日複数科受診時の２科目）', 'R8告示 A001注3 (rules.md §1.2/§1.4)', 'H'),
    ('112017010', 29, '特定妥結率再診料（同一日複数科受診時の２科目）', 'R8告示 A001注3 (rules.md §1.2/§1.4)', 'H'),
    ('112011310', 77, '外来診療料', 'R8告示 A002 外来診療料 (rules.md §1.3/§1.4)', 'H'),
    ('112011710', 77, '同日外来診療料', 'R8告示 A002 (points = 外来診療料; rules.md §1.3: code row not seen)', 'L'),
    ('112024710', 76, '外来診療料（情報通信機器）', 'R8告示 A002注1 ただし書 (rules.md §1.3)', 'H'),
    ('112016310', 57, '外来診療料（他医療機関へ文書紹介の申出を行っている患者）', 'R8告示 A002注2/注3 (rules.md §1.3/§1.4)', 'H'),
    ('112017310', 57, '特定妥結率外来診療料', 'R8告示 A002注4 (rules.md §1.3/§1.4)', 'H'),
    ('112016210', 39, '外来診療料（同一日複数科受診時の２科目）', 'R8告示 A002注5 (rules.md §1.3/§1.4)', 'H'),
    ('112016410', 29, '外来診療料（同日複数科２科目・文書紹介申出患者）', 'R8告示 A002注5 (rules.md §1.3/§1.4)', 'H'),
    ('112017610', 29, '特定妥結率外来診療料（同一日複数科受診時２科目）', 'R8告示 A002注5 (rules.md §1.3/§1.4)', 'H'),
]
# 外来・在宅ベースアップ評価料（Ⅰ）: R6 O100 → R8 O001 (R8告示 第14部 第1節 O001, ika-kokuji.txt p.374). Points H;
# that SSK keeps the R6 codes for the R8 item (renumbered O100 → O001, same names) is an assumption: L.
# The 区分番号 (col 92) is moved to 001 with the 変更 row; 項番 (col 94) stays (1 初診時, 2 再診時等, 3 訪問診療時).
BASEUP_SOURCE = ('R8告示 O001 外来・在宅ベースアップ評価料（Ⅰ） {item} {pts}点 (ika-kokuji.txt p.374, H); the R6 code kept '
                 'for the R8 item and 区分番号 O001: assumption, code not seen in an R8 master (L)')
BASEUP = [
    ('180725710', 17, '外来・在宅ベースアップ評価料（１）１（初診時）', '1 初診時'),
    ('180725810', 4, '外来・在宅ベースアップ評価料（１）２（再診時等）', '2 再診時等'),
    ('180725910', 79, '外来・在宅ベースアップ評価料（１）３（訪問診療時）イ', '3 訪問診療時 イ 同一建物居住者等以外'),
    ('180726010', 19, '外来・在宅ベースアップ評価料（１）３（訪問診療時）ロ', '3 訪問診療時 ロ イ以外'),
]
# Renamed 時間外対応加算 → 時間外対応体制加算 (R8告示 A001注10). Name and points H; that SSK keeps the
# codes under the new name is an assumption (in 2024 SSK gave 加算２/３ new codes when their meaning
# changed), hence M for the row.
RENAMES = [
    ('112016070', 7, '時間外対応体制加算１', 'ｼﾞｶﾝｶﾞｲﾀｲｵｳﾀｲｾｲｶｻﾝ1', '時間外対応加算１ (5)'),
    ('112708370', 5, '時間外対応体制加算２', 'ｼﾞｶﾝｶﾞｲﾀｲｵｳﾀｲｾｲｶｻﾝ2', '時間外対応加算２ (4)'),
    ('112708470', 4, '時間外対応体制加算３', 'ｼﾞｶﾝｶﾞｲﾀｲｵｳﾀｲｾｲｶｻﾝ3', '時間外対応加算３ (3)'),
    ('112708570', 2, '時間外対応体制加算４', 'ｼﾞｶﾝｶﾞｲﾀｲｵｳﾀｲｾｲｶｻﾝ4', '時間外対応加算４ (1)'),
]
RENAME_SOURCE = 'R8告示 A001注10 (rules.md §1.2/§1.4: name and points H); same code kept under the new name: assumption'
ABOLISH = [
    ('111703270', '医療情報取得加算（初診）', 'R8告示 A000注15 is now 特定機能病院等紹介患者受入加算: 医療情報取得加算 abolished (rules.md §1.4/§2.1)'),
    ('112708970', '医療情報取得加算（再診）', 'R8告示 A001注19 is now 電子的診療情報連携体制整備加算: 医療情報取得加算 abolished (rules.md §1.4/§2.1)'),
    ('112709270', '医療情報取得加算（外来診療料）', 'R8告示 A002注10 is now 電子的診療情報連携体制整備加算: 医療情報取得加算 abolished (rules.md §1.4/§2.1)'),
    ('113705370', '医療情報取得加算（初診）（医学管理等）', 'R8告示: 医療情報取得加算 abolished, so its （医学管理等） code too (rules.md §1.4/§2.1)'),
    ('113705570', '医療情報取得加算（再診）（医学管理等）', 'R8告示: 医療情報取得加算 abolished, so its （医学管理等） code too (rules.md §1.4/§2.1)'),
]
DX_SOURCE = 'R8告示 A000注16 is now 電子的診療情報連携体制整備加算: 医療ＤＸ推進体制整備加算 abolished (rules.md §1.4/§2.1/§2.5)'
DX_MK_SOURCE = 'R8告示: 医療ＤＸ推進体制整備加算 abolished, so its （医学管理等） code too (rules.md §1.4/§2.1)'
for code, name in [('111703370', '医療ＤＸ推進体制整備加算６（初診）'), ('111703470', '医療ＤＸ推進体制整備加算４（初診）'),
                   ('111703570', '医療ＤＸ推進体制整備加算５（初診）'), ('111703670', '医療ＤＸ推進体制整備加算１（初診）'),
                   ('111703770', '医療ＤＸ推進体制整備加算２（初診）'), ('111703870', '医療ＤＸ推進体制整備加算３（初診）')]:
    ABOLISH.append((code, name, DX_SOURCE))
for code, name in [('113705470', '医療ＤＸ推進体制整備加算６（医学管理等）'), ('113707770', '医療ＤＸ推進体制整備加算４（医学管理等）'),
                   ('113707870', '医療ＤＸ推進体制整備加算５（医学管理等）'), ('113707970', '医療ＤＸ推進体制整備加算１（医学管理等）'),
                   ('113708070', '医療ＤＸ推進体制整備加算２（医学管理等）'), ('113708170', '医療ＤＸ推進体制整備加算３（医学管理等）')]:
    ABOLISH.append((code, name, DX_MK_SOURCE))

DX_KANA = kana20('ﾃﾞﾝｼﾃｷｼﾝﾘｮｳｼﾞｮｳﾎｳﾚﾝｹｲﾀｲｾｲｾｲﾋﾞｶｻﾝ')
BUKKA_KANA = kana20('ｶﾞｲﾗｲｻﾞｲﾀｸﾌﾞｯｶﾀｲｵｳﾘｮｳ')
S_ALL = 'ssk/2024-06/s_ALL20240531.zip'
# code, points, name, kana, template (file, code), extra column edits, source, confidence
NEW = [
    ('111704070', 15, '電子的診療情報連携体制整備加算１（初診）', DX_KANA, ('ssk/deltas/s/s_20250307.csv', '111703670'),
     {36: '1', 38: '1101', 39: 'A', 72: '4035'},
     'R8告示 A000注16 加算1 15点 (H); code 111704070 M (rules.md §2.1/§2.5)', 'M'),
    ('111704170', 9, '電子的診療情報連携体制整備加算２（初診）', DX_KANA, ('ssk/deltas/s/s_20250307.csv', '111703670'),
     {36: '1', 38: '1101', 39: 'A', 72: '4035'},
     'R8告示 A000注16 加算2 9点 (H); code 111704170 M (rules.md §2.1/§2.5)', 'M'),
    ('111704270', 4, '電子的診療情報連携体制整備加算３（初診）', DX_KANA, ('ssk/deltas/s/s_20250307.csv', '111703670'),
     {36: '1', 38: '1101', 39: 'A', 72: '4035'},
     'R8告示 A000注16 加算3 4点 (H); code 111704270 M (rules.md §2.1/§2.5)', 'M'),
    ('112709570', 2, '電子的診療情報連携体制整備加算（再診）', DX_KANA, (S_ALL, '112708970'),
     {36: '1', 38: '1201', 39: 'D', 72: '4035'},
     'R8告示 A001注19 2点 月1回 (H); code 112709570 M (rules.md §2.1/§2.5)', 'M'),
    ('180819910', 2, '外来・在宅物価対応料（初診時）', BUKKA_KANA, (S_ALL, '180725710'),
     {36: '0', 38: '0', 39: '0', 15: '800', 72: '0', 129: '0'},
     'R8告示 第14部 第2節 O100 外来・在宅物価対応料 イ 初診時 2点 (H); code 180819910 M (rules.md §1.4)', 'M'),
    ('180820010', 2, '外来・在宅物価対応料（再診時等）', BUKKA_KANA, (S_ALL, '180725810'),
     {36: '0', 38: '0', 39: '0', 15: '800', 72: '0', 129: '0'},
     'R8告示 第14部 第2節 O100 外来・在宅物価対応料 ロ 再診時等 2点 (H); code 180820010 M (rules.md §1.4)', 'M'),
    ('180820110', 3, '外来・在宅物価対応料（訪問診療時）', BUKKA_KANA, (S_ALL, '180725910'),
     {36: '0', 38: '0', 39: '0', 15: '800', 72: '0', 129: '0'},
     'R8告示 第14部 第2節 O100 外来・在宅物価対応料 ハ 訪問診療時 3点 (ika-kokuji.txt p.389, H); code 180820110 '
     'not seen in any source: the next free number after 180820010, an assumption (L)', 'L'),
]


def sparse(code, kind='5'):
    r = [''] * NCOLS
    r[0], r[1], r[2] = kind, 'S', code
    return r


def put(r, col, v):
    r[col - 1] = v


def points_2024():
    """Points of every code valid from 2024-06-01 (s_ALL20240531), checked unchanged by later s deltas."""
    pts = {r[2]: r[11] for r in read_rows(S_ALL)}
    deltas = sorted(f for f in os.listdir(os.path.join(DATA, 'ssk/deltas/s')) if f > 's_20240531')
    for f in deltas:
        for r in read_rows('ssk/deltas/s/' + f):
            if r[11]:
                pts[r[2]] = None  # changed after 2024-06: do not use as 旧点数
    return pts


def main():
    prev = points_2024()
    rows = []  # (code, fields, change, value, source, confidence)
    for code, pts, name, src, conf in POINTS:
        r = sparse(code)
        put(r, 12, f'{pts}.00')
        assert prev.get(code), code
        put(r, 58, prev[code])
        put(r, 87, CHANGE_DATE)
        rows.append((code, r, '5 変更', f'{pts}点', name, src, conf))
    for code, pts, name, item in BASEUP:
        r = sparse(code)
        put(r, 12, f'{pts}.00')
        assert prev.get(code), code
        put(r, 58, prev[code])
        put(r, 87, CHANGE_DATE)
        put(r, 92, '001')
        rows.append((code, r, '5 変更 (O100 → O001)', f'{pts}点', name, BASEUP_SOURCE.format(item=item, pts=pts), 'L'))
    for code, pts, name, kana, was in RENAMES:
        r = sparse(code)
        put(r, 4, str(len(name)))
        put(r, 5, name)
        put(r, 6, str(len(kana)))
        put(r, 7, kana)
        put(r, 12, f'{pts}.00')
        assert prev.get(code), code
        put(r, 58, prev[code])
        put(r, 87, CHANGE_DATE)
        put(r, 113, name)
        rows.append((code, r, '5 変更 (rename)', f'{name} {pts}点 (was {was})', name, RENAME_SOURCE, 'M'))
    for code, name, src in ABOLISH:
        r = sparse(code, '9')
        put(r, 87, CHANGE_DATE)
        put(r, 88, ABOLISH_DATE)
        rows.append((code, r, '9 廃止', f'廃止年月日 {ABOLISH_DATE}', name, src, 'H'))
    for code, pts, name, kana, (trel, tcode), edits, src, conf in NEW:
        r = template(trel, tcode)
        put(r, 1, '3')
        put(r, 3, code)
        put(r, 4, str(len(name)))
        put(r, 5, name)
        put(r, 6, str(len(kana)))
        put(r, 7, kana)
        put(r, 12, f'{pts}.00')
        put(r, 57, '0')
        put(r, 58, '0.00')
        put(r, 87, CHANGE_DATE)
        put(r, 88, '99999999')
        put(r, 113, name)
        for c, v in edits.items():
            put(r, c, v)
        rows.append((code, r, '3 新規', f'{pts}点', name, src + f'; built from {tcode} ({trel})', conf))
    rows.sort(key=lambda x: x[0])
    codes = [x[0] for x in rows]
    assert len(codes) == len(set(codes)), 'one row per code'

    out = io.BytesIO()
    for _, r, *_ in rows:
        assert len(r) == NCOLS
        assert all('"' not in f and ',' not in f for f in r)
        out.write((','.join(f'"{f}"' for f in r) + '\r\n').encode('cp932'))
    with open(os.path.join(HERE, 's_20260305.csv'), 'wb') as fh:
        fh.write(out.getvalue())

    with open(os.path.join(HERE, 's_20260305.sources.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['code', 'source', 'confidence'])
        for code, _, change, value, name, src, conf in rows:
            w.writerow([code, f'{src}', conf])

    md = [HEADER, '| code | name | change | value | source | confidence |', '|---|---|---|---|---|---|']
    for code, _, change, value, name, src, conf in rows:
        md.append(f'| {code} | {name} | {change} | {value} | {src} | {conf} |')
    md.append(FOOTER)
    with open(os.path.join(HERE, 'SOURCES.md'), 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(md))


HEADER = """# Supplement: the 2026-06 (令和8) revision, ahead of SSK's files

`s_20260305.csv` is a 医科診療行為マスター 変更ファイル in the official layout (150 columns, Shift_JIS,
CRLF, every field quoted) holding the 2026-06-01 changes listed in `shared/spec/rules.md` §1.2–§1.4 and
§2.1/§2.5 that the staged SSK masters (which end in 2025) do not carry. It has no 変更区分 `0` row, so the
loader treats it as a delta; its name dates it 2026-03-05, before any official 2026-06 file. The loader
applies the supplement layer before official files of the same date, and an official full file replaces
it (codes absent from an official full file are closed), so real SSK rows always win.

Row forms (as SSK writes them):
- `5` 変更: sparse — only cols 1–3, 12 (点数), 58 (旧点数 = the 2024-06 points, as SSK's own 変更 rows
  do, e.g. 112007410 in s_20240306: 12 = 75.00, 58 = 73.00, 87) and 87 (変更年月日 20260601); for a renamed
  item also 4/5 (省略漢字名称 and its length), 6/7 (カナ名称, derived, truncated to 20 as SSK does) and 113
  (基本漢字名称). SSK also sets the 名称変更区分 flags (59/60) on renames; they are left empty here.
- `9` 廃止: cols 1–3, 87 = 20260601 and 88 (廃止年月日) = 20260531.
- `3` 新規: complete rows copied from a real template row (named in the table) with code, names, 点数,
  dates and the listed fields changed. For the template columns not listed (公表順序 col 89, 章/部/区分
  numbers cols 90–94, 告示等識別, DPC, etc.) the template's values are kept: **L** (the R8 SSK values are unknown).
  - 電子的診療情報連携体制整備加算（初診） 1/2/3: template 111703670 医療ＤＸ推進体制整備加算１（初診）
    (its s_20250307 新規 row): 注加算 1101 / 通番 A (the DX 加算's slot: A000注16), 上限回数 1, 施設基準 4035
    (the DX 届出 code; R8 may assign a new code — L), 入外 0, 集計先 110.
  - 電子的診療情報連携体制整備加算（再診） 112709570: template 112708970 医療情報取得加算４（再診） (the
    A001注19 item it replaces; s_ALL20240531): 入外 2, 集計先 120, 上限回数 1, 施設基準 4035 (L), 注加算 1201
    with 通番 **D**: D is used by no 1201 row in any staged file (1201 uses 0–9, A, B, C), so it cannot be
    read as an alternative of any other 再診 加算 on any date; B (医療情報取得加算's 通番, free after
    2026-05-31) would also do, and SSK's R8 value is unknown (L).
  - 外来・在宅物価対応料 初診時 / 再診時等: templates 180725710 / 180725810 外来・在宅ベースアップ評価料（Ⅰ）
    1 初診時 / 2 再診時等 (the same 第14部 その他 structure; s_ALL20240531): 注加算 0, 集計先(入院外) 800,
    施設基準 0 (none in R8, rules.md §1.4), ベースアップ flag col 129 = 0, 入外 as the template (0 for 初診時,
    2 for 再診時等). 区分 numbers O100 イ/ロ kept from the template (L).
  - 外来・在宅物価対応料 ハ 訪問診療時 180820110 (3点): template 180725910 外来・在宅ベースアップ評価料（Ⅰ）３ イ, the
    same edits; the code is not seen in any source (the next number after 180820010): **L**.
- 外来・在宅ベースアップ評価料（Ⅰ） R8 points (O001: 17 / 4 / 79 / 19; R8告示 p.374): `5` 変更 rows of the R6 codes
  180725710…180726010 with 区分番号 (col 92) 001; that SSK keeps these codes for R8 is an assumption (**L**). The
  注5 継続賃上げ points (23/6/107/26) and the 2027-06 values (注6 100分の200, 注7 40/10/186/45) have no code here:
  the engine computes 注6 from the row's points (rules/baseup.rs); 注5/注7 are not derived.

Not included (no code known, or outside the brief): the 外来診療料 and （医学管理等） versions of
電子的診療情報連携体制整備加算 (L/unknown codes); 外来・在宅ベースアップ評価料（Ⅰ） 注5 and （Ⅱ） R8 rows;
特定機能病院等紹介患者受入加算; 地域包括診療加算 restructuring; 一般名処方加算 8/6; and the sibling codes
whose points follow 再診料/外来診療料 but were not listed (e.g. 112016750/112016850/112016950 特定妥結率
電話等/同日, 112023350–112023750 （３０年３月以前継続）, 112024950, 112025010, 112025150, 112025450,
112025510, 112025650, 112025710, 112025850 and the 情報通信機器 2科目 rows) — they keep their 2024 points.

`s_20260305.sources.csv` (UTF-8, header `code,source,confidence`) carries the same source per code for the
engine's trace (`masters::embedded::SUPPLEMENT_SOURCES`).

Confidence (rules.md §0): **H** read in the 告示 (or the real master); **M** consistent secondary sources
(all codes of new items are M: seen in one third-party code table built from the R8 master); **L** single
source or inference. A row's mark is its weakest part (a new item: points H, code M → M).

"""
FOOTER = ""

if __name__ == '__main__':
    main()
