#!/bin/sh
# Rebuilds the coverage GeoPackages and their reference shares with GDAL (ogr2ogr/ogrinfo + SpatiaLite).
# Needs gdal-bin and python3 at build time only; the tests read the produced files.
# Commune contours and BAN rows come from the samples of communes-contours and ban.
set -eu
cd "$(dirname "$0")"
TMP=$(mktemp -d)
python3 - "$TMP" <<'PY'
import json, math, sys
tmp = sys.argv[1]
def star(cx, cy, r, k=5, a=0.15, n=96):
    pts = [[round(cx + r * (1 + a * math.sin(k * t)) * math.cos(t), 2), round(cy + r * (1 + a * math.sin(k * t)) * math.sin(t), 2)]
           for t in (2 * math.pi * i / n for i in range(n))]
    return pts + [pts[0]]
def disc(cx, cy, r): return [star(cx, cy, r)]
def ring(cx, cy, r0, r1): return [star(cx, cy, r1), list(reversed(star(cx, cy, r0)))]
def layer(path, features):
    json.dump({'type': 'FeatureCollection', 'features': [
        {'type': 'Feature', 'properties': p, 'geometry': {'type': 'MultiPolygon', 'coordinates': polys}} for p, polys in features]}, open(path, 'w'))
base = {'operateur': '20801', 'operateur_commercial': 'Orange', 'operateur_infra': 'Orange', 'date': '2026-03-31', 'dept': '05'}
# Hautes-Alpes, Lambert-93: around L'Argentière-la-Bessée (05006) and Ancelle (05004), centres = mean of their BAN addresses.
a, b = (981216.04, 6416353.74), (953558.49, 6396511.84)
layer(f'{tmp}/of4g.geojson', [
    ({**base, 'techno': '4G', 'usage': 'data', 'niveau': 'TBC'}, [disc(*a, 1500)]),
    ({**base, 'techno': '4G', 'usage': 'data', 'niveau': 'BC'}, [ring(*a, 1500, 3500), disc(*b, 1200)]),
    ({**base, 'techno': '4G', 'usage': 'data', 'niveau': 'CL'}, [ring(*a, 3500, 6000), ring(*b, 1200, 2500)]),
])
layer(f'{tmp}/of3g.geojson', [({**base, 'techno': '3G', 'usage': 'data', 'niveau': None}, [disc(*a, 4000)])])
# La Réunion, RGR92 / UTM 40S: around Saint-Denis (97411).
c = (338600.0, 7689300.0)
srr = {'operateur': '64710', 'operateur_commercial': 'SFR Réunion', 'operateur_infra': 'SRR', 'date': '2026-03-31', 'techno': '4G', 'usage': 'data', 'dept': '974'}
layer(f'{tmp}/srr4g.geojson', [
    ({**srr, 'niveau': 'TBC'}, [disc(*c, 3000)]),
    ({**srr, 'niveau': 'BC'}, [ring(*c, 3000, 8000)]),
    ({**srr, 'niveau': 'CL'}, [ring(*c, 8000, 15000)]),
])
PY
rm -f *.gpkg *.gpkg.7z
ogr2ogr -f GPKG -a_srs EPSG:2154 -nlt MULTIPOLYGON -nln couverture 2026_T1_couv_Metropole_OF_4G_data.gpkg "$TMP/of4g.geojson"
ogr2ogr -f GPKG -a_srs EPSG:2154 -nlt MULTIPOLYGON -nln couverture 2026_T1_couv_Metropole_OF_3G_data.gpkg "$TMP/of3g.geojson"
ogr2ogr -f GPKG -a_srs EPSG:2975 -nlt MULTIPOLYGON -nln couverture 2026_T1_couv_974_LaReunion_SRR_4G_data.gpkg "$TMP/srr4g.geojson"
# The metropolitan 4G layer ships as ARCEP ships it: a .gpkg inside a .7z.
node -e "require('7zip-min').pack('2026_T1_couv_Metropole_OF_4G_data.gpkg', '2026_T1_couv_Metropole_OF_4G_data.gpkg.7z', (e) => { if (e) throw e; })"
rm 2026_T1_couv_Metropole_OF_4G_data.gpkg

# Reference shares (SpatiaLite): communes projected to the layer CRS; 05120 Ristolas counted in 05001 (COG 2026).
REF="$TMP/ref.gpkg"
ogr2ogr -f GPKG -t_srs EPSG:2154 -nln communes "$REF" ../communes-contours/communes-05-hautes-alpes-extrait.geojson
ogr2ogr -f GPKG -update -append -nln couverture_4g "$REF" "/vsi7z/2026_T1_couv_Metropole_OF_4G_data.gpkg.7z/2026_T1_couv_Metropole_OF_4G_data.gpkg" 2>/dev/null \
  || (7z x -so 2026_T1_couv_Metropole_OF_4G_data.gpkg.7z > "$TMP/of4g.gpkg" 2>/dev/null || node -e "require('7zip-min').unpack('2026_T1_couv_Metropole_OF_4G_data.gpkg.7z', '$TMP', (e) => { if (e) throw e; })"; \
      ogr2ogr -f GPKG -update -append -nln couverture_4g "$REF" "$TMP/2026_T1_couv_Metropole_OF_4G_data.gpkg")
zcat ../ban/adresses-05-extrait.csv.gz > "$TMP/ban.csv"
ogr2ogr -f GPKG -update -append -nln adresses -a_srs EPSG:2154 -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y -oo KEEP_GEOM_COLUMNS=NO "$REF" "$TMP/ban.csv"
ogr2ogr -f GPKG -t_srs EPSG:2975 -nln communes "$TMP/ref974.gpkg" ../communes-contours/communes-974-la-reunion.geojson
ogr2ogr -f GPKG -update -append -nln couverture "$TMP/ref974.gpkg" 2026_T1_couv_974_LaReunion_SRR_4G_data.gpkg
{
  echo '{"metropole4g": '
  ogrinfo -q -ro -dialect SQLite -sql "
    WITH c AS (SELECT CASE code WHEN '05120' THEN '05001' ELSE code END AS code, ST_Union(geom) AS geom FROM communes GROUP BY 1)
    SELECT json_group_array(json_object('code', c.code, 'niveau', v.niveau,
      'partSurface', ST_Area(ST_Intersection(c.geom, v.geom)) / ST_Area(c.geom),
      'adresses', (SELECT count(*) FROM adresses a WHERE a.code_insee = c.code),
      'adressesCouvertes', (SELECT count(*) FROM adresses a WHERE a.code_insee = c.code AND ST_Within(a.geom, v.geom)))) AS j
    FROM c, couverture_4g v" "$REF" | sed -n 's/^ *j (String) = //p'
  echo ', "reunion4g": '
  ogrinfo -q -ro -dialect SQLite -sql "
    SELECT json_group_array(json_object('code', c.code, 'niveau', v.niveau, 'partSurface', ST_Area(ST_Intersection(c.geom, v.geom)) / ST_Area(c.geom))) AS j
    FROM communes c, couverture v" "$TMP/ref974.gpkg" | sed -n 's/^ *j (String) = //p'
  echo '}'
} > reference-shares.json
rm -rf "$TMP"
