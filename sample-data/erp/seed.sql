-- Seed of the embedded ERP (SQLite) for `etl demo`: the state of the ERP on sample day 1.
-- Tables exactly as in CONTRACTS.md section 5; customers and items equal sample-data/erp/day-1.
-- Re-runnable: CREATE TABLE IF NOT EXISTS and INSERT OR IGNORE (an existing row is kept as it is).
-- No BEGIN/COMMIT here: the caller runs the script in its own transaction.

CREATE TABLE IF NOT EXISTS customers (
    customer_no       TEXT PRIMARY KEY,
    name              TEXT,
    portal_account_id TEXT UNIQUE NULL,
    approved          INTEGER,
    price_list        TEXT,
    discount_group    TEXT
);

CREATE TABLE IF NOT EXISTS items (
    sku           TEXT PRIMARY KEY,
    description   TEXT,
    uom           TEXT,
    product_class TEXT,
    weight_kg     NUMERIC,
    active        INTEGER
);

CREATE TABLE IF NOT EXISTS sales_orders (
    erp_order_no    TEXT PRIMARY KEY,
    customer_no     TEXT,
    customer_po     TEXT,
    portal_order_id TEXT UNIQUE NULL,
    status          TEXT,
    currency        TEXT,
    order_date      TEXT,
    total           NUMERIC,
    source          TEXT
);

CREATE TABLE IF NOT EXISTS sales_order_lines (
    erp_order_no TEXT,
    line_no      INTEGER,
    sku          TEXT,
    qty          INTEGER,
    unit_price   NUMERIC,
    PRIMARY KEY (erp_order_no, line_no)
);

-- Customers (day 1). C-1007 is not approved (its portal orders are out of scope);
-- C-1008 has no portal account.
INSERT OR IGNORE INTO customers (customer_no, name, portal_account_id, approved, price_list, discount_group) VALUES
    ('C-1001', 'Müller Haustechnik GmbH',            'ACC-501', 1, 'TRADE',  'DG-A'),
    ('C-1002', 'Baker, Sons & Co. Plumbing',         'ACC-502', 1, 'TRADE',  'DG-B'),
    ('C-1003', 'Northside Heating Ltd',              'ACC-503', 1, 'TRADE',  'DG-A'),
    ('C-1004', 'Keller Sanitär AG',                  'ACC-504', 1, 'RETAIL', 'DG-C'),
    ('C-1005', 'Atlantic Pipe & Supply Inc.',        'ACC-505', 1, 'TRADE',  'DG-B'),
    ('C-1006', 'O''Neill "The Pipe Guy" Services',   'ACC-506', 1, 'RETAIL', NULL),
    ('C-1007', 'Dubois Plomberie SARL',              'ACC-507', 0, 'RETAIL', 'DG-C'),
    ('C-1008', 'Walk-in Counter Sales',              NULL,      1, 'RETAIL', NULL),
    ('C-1009', 'Ørsted VVS ApS',                     'ACC-509', 1, 'TRADE',  'DG-A'),
    ('C-1010', 'Lakeside Property Maintenance',      'ACC-510', 1, 'RETAIL', NULL),
    ('C-1011', 'Nowak Instalacje Sp. z o.o.',        'ACC-511', 1, 'TRADE',  'DG-B'),
    ('C-1012', 'Summit Mechanical Contractors',      'ACC-512', 1, 'TRADE',  'DG-A');

-- Items (day 1). TOOL-PTFE is inactive.
INSERT OR IGNORE INTO items (sku, description, uom, product_class, weight_kg, active) VALUES
    ('PIPE-012',  'Copper pipe 12 mm x 5 m',                          'EA',  'PIPES',    1.85, 1),
    ('PIPE-015',  'Copper pipe 15 mm, 5 m length',                    'EA',  'PIPES',    2.40, 1),
    ('PIPE-022',  'Copper pipe 22 mm x 5 m',                          'EA',  'PIPES',    3.95, 1),
    ('PIPE-P16',  'PEX-AL-PEX pipe 16 mm coil 100 m',                 'EA',  'PIPES',    12.5, 1),
    ('HOSE-012',  'Hose 12" reinforced',                              'M',   'PIPES',    0.32, 1),
    ('FIT-E15',   'Elbow 90° copper 15 mm',                           'EA',  'FITTINGS', 0.04, 1),
    ('FIT-T15',   'Tee copper 15 mm',                                 'EA',  'FITTINGS', 0.05, 1),
    ('FIT-C22',   'Coupling copper 22 mm',                            'EA',  'FITTINGS', 0.06, 1),
    ('FIT-A12',   'Adapter 1/2" BSP male x 15 mm compression',        'EA',  'FITTINGS', 0.09, 1),
    ('FIT-U22',   'Union brass 22 mm',                                'EA',  'FITTINGS', 0.21, 1),
    ('VALV-B12',  'Ball valve 1/2" brass' || char(10) || 'lever handle, PN25',
                                                                      'EA',  'VALVES',   0.28, 1),
    ('VALV-B34',  'Ball valve 3/4" brass lever handle',               'EA',  'VALVES',   0.41, 1),
    ('VALV-G22',  'Gate valve 22 mm',                                 'EA',  'VALVES',   0.65, 1),
    ('VALV-C15',  'Check valve 15 mm',                                'EA',  'VALVES',   0.18, 1),
    ('VALV-T15',  'Thermostatic radiator valve 15 mm',                'EA',  'VALVES',   0.30, 1),
    ('TOOL-PC42', 'Pipe cutter 3-42 mm',                              'EA',  'TOOLS',    0.45, 1),
    ('TOOL-WR14', 'Pipe wrench 14", heavy duty',                      'EA',  'TOOLS',    1.60, 1),
    ('TOOL-BND',  'Bending spring set 15/22 mm',                      'SET', 'TOOLS',    0.70, 1),
    ('TOOL-SLD',  'Soldering torch kit',                              'SET', 'TOOLS',    1.10, 1),
    ('TOOL-PTFE', 'PTFE tape 12 mm x 12 m (box of 10)',               'BOX', 'TOOLS',    0.25, 0);

-- Existing sales orders.
--   SO-10001  imported from portal order PO-7001 earlier: already linked.
--   SO-10002  entered in the ERP (phoned in) with PO BSC-88213; portal order PO-7002 carries the
--             same PO for the same customer and must be matched and linked, not created again.
--   SO-10003  entered in the ERP with an EMPTY customer_po for C-1003; portal order PO-7008 of the
--             same customer also has an empty PO: an empty PO never matches, so PO-7008 is created.
--   SO-10004..SO-10008  other ERP-channel orders; they feed the order_status drops.
--             SO-10007 is OPEN on day 1 (not in the day-1 order_status export) and IN_PROGRESS on day 2.
INSERT OR IGNORE INTO sales_orders (erp_order_no, customer_no, customer_po, portal_order_id, status, currency, order_date, total, source) VALUES
    ('SO-10001', 'C-1001', 'MH-2026-0412', 'PO-7001', 'IN_PROGRESS', 'EUR', '2026-11-24', 675.60, 'portal'),
    ('SO-10002', 'C-1002', 'BSC-88213',    NULL,      'IN_PROGRESS', 'EUR', '2026-11-27', 368.50, 'erp'),
    ('SO-10003', 'C-1003', '',             NULL,      'IN_PROGRESS', 'EUR', '2026-11-26', 110.40, 'erp'),
    ('SO-10004', 'C-1005', 'APS-5531',     NULL,      'SHIPPED',     'USD', '2026-11-23', 865.00, 'erp'),
    ('SO-10005', 'C-1004', 'KS-7781',      NULL,      'INVOICED',    'EUR', '2026-11-16', 158.80, 'erp'),
    ('SO-10006', 'C-1008', NULL,           NULL,      'CLOSED',      'EUR', '2026-11-12',  54.00, 'erp'),
    ('SO-10007', 'C-1009', 'OV-1204',      NULL,      'OPEN',        'EUR', '2026-11-28', 157.00, 'erp'),
    ('SO-10008', 'C-1012', 'SMC-3390',     NULL,      'SHIPPED',     'EUR', '2026-11-25', 417.00, 'erp');

INSERT OR IGNORE INTO sales_order_lines (erp_order_no, line_no, sku, qty, unit_price) VALUES
    ('SO-10001', 1, 'PIPE-012',   40, 10.95),
    ('SO-10001', 2, 'FIT-E15',   200,  0.72),
    ('SO-10001', 3, 'VALV-B12',   12,  7.80),
    ('SO-10002', 1, 'PIPE-015',   25, 12.10),
    ('SO-10002', 2, 'FIT-T15',   100,  0.66),
    ('SO-10003', 1, 'VALV-G22',    6, 18.40),
    ('SO-10004', 1, 'PIPE-012',   60, 11.75),
    ('SO-10004', 2, 'HOSE-012',   50,  3.20),
    ('SO-10005', 1, 'FIT-T15',   150,  0.66),
    ('SO-10005', 2, 'TOOL-PC42',   2, 29.90),
    ('SO-10006', 1, 'TOOL-SLD',    1, 54.00),
    ('SO-10007', 1, 'TOOL-PC42',   3, 21.00),
    ('SO-10007', 2, 'VALV-T15',   10,  9.40),
    ('SO-10008', 1, 'PIPE-022',   30, 13.90);
