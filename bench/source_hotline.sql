-- The benchmark's legacy 12345 source table: :rows rows in the shape of the
-- hotline export (bench/hotline_bench.yaml maps them).
DROP TABLE IF EXISTS hotline;
CREATE TABLE hotline (
  id BIGINT PRIMARY KEY,
  "GDBH" TEXT, "SLSJ" TEXT, "ZT" TEXT, "LDLB" TEXT, "FLBM" TEXT, "XZQH" TEXT,
  "LDRXM" TEXT, "LXDH" TEXT, "SFZH" TEXT, "SQBT" TEXT, "JD" TEXT, "WD" TEXT
);
INSERT INTO hotline
SELECT g,
       'GD2026' || lpad(g::text, 8, '0'),
       ' 202611' || lpad((1 + g % 28)::text, 2, '0') || lpad((g % 24)::text, 2, '0') || lpad((g % 60)::text, 2, '0') || '00 ',
       (ARRAY['已受理','已派单','处理中','已回复','已办结','待受理'])[1 + g % 6],
       (ARRAY['咨询','求助','投诉','举报','建议','表扬'])[1 + g % 6],
       (ARRAY['0101','0102','0201','0301','0302','0401','0402','0501','9999'])[1 + g % 9],
       (ARRAY['211102','211103','211104','211121','211122'])[1 + g % 5],
       (ARRAY['张伟  ',' 王芳','李娜','刘洋    ','陈静','欧阳修'])[1 + g % 6],
       ' 13' || lpad((g::bigint * 7919 % 1000000000)::text, 9, '0'),
       '2111031980' || lpad((1 + g % 12)::text, 2, '0') || lpad((1 + g % 28)::text, 2, '0') || lpad((g % 1000)::text, 3, '0') || (g % 10)::text,
       (ARRAY['路灯不亮','小区噪声扰民','道路积水','供暖不热','占道经营','井盖缺失'])[1 + g % 6],
       to_char(122.05 + (g % 100000) / 1e6, 'FM999.000000'),
       to_char(41.1 + (g % 60000) / 1e6, 'FM99.000000')
FROM generate_series(1, :rows) g;
ANALYZE hotline;
