-- SynthTalk example schema: a small online shop (PostgreSQL).
-- Four tables: a self-reference (customers.referred_by), an ENUM status, CHECKs of several
-- kinds (IN lists, ranges, BETWEEN, a comparison between columns) and a composite primary key.

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'returned');

CREATE TABLE customers (
    customer_id   INTEGER      PRIMARY KEY,
    first_name    VARCHAR(50)  NOT NULL,
    last_name     VARCHAR(50)  NOT NULL,
    email         VARCHAR(120) NOT NULL UNIQUE,
    phone         VARCHAR(30),
    city          VARCHAR(80),
    country_code  CHAR(2)      NOT NULL,
    birth_date    DATE,
    loyalty_tier  VARCHAR(10)  NOT NULL DEFAULT 'basic' CHECK (loyalty_tier IN ('basic', 'silver', 'gold')),
    referred_by   INTEGER      REFERENCES customers (customer_id),
    created_at    TIMESTAMP    NOT NULL
);

CREATE TABLE products (
    product_id    INTEGER       PRIMARY KEY,
    sku           CHAR(10)      NOT NULL UNIQUE,
    name          VARCHAR(120)  NOT NULL,
    category      VARCHAR(30)   NOT NULL
                  CHECK (category IN ('Tents', 'Backpacks', 'Footwear', 'Clothing', 'Cooking', 'Accessories')),
    price         NUMERIC(10,2) NOT NULL CHECK (price > 0 AND price < 5000),
    stock         INTEGER       NOT NULL DEFAULT 0 CHECK (stock >= 0),
    is_active     BOOLEAN       NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP     NOT NULL
);

CREATE TABLE orders (
    order_id      INTEGER       PRIMARY KEY,
    customer_id   INTEGER       NOT NULL REFERENCES customers (customer_id),
    ordered_at    TIMESTAMP     NOT NULL,
    shipped_at    TIMESTAMP,
    status        order_status  NOT NULL DEFAULT 'pending',
    total_amount  NUMERIC(12,2) NOT NULL CHECK (total_amount >= 0),
    CONSTRAINT shipped_after_ordered CHECK (shipped_at IS NULL OR shipped_at >= ordered_at)
);

CREATE TABLE order_items (
    order_id      INTEGER       NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    line_no       SMALLINT      NOT NULL CHECK (line_no BETWEEN 1 AND 20),
    product_id    INTEGER       NOT NULL REFERENCES products (product_id),
    quantity      INTEGER       NOT NULL CHECK (quantity BETWEEN 1 AND 10),
    unit_price    NUMERIC(10,2) NOT NULL CHECK (unit_price > 0),
    discount      NUMERIC(4,2)  NOT NULL DEFAULT 0 CHECK (discount >= 0 AND discount <= 0.5),
    PRIMARY KEY (order_id, line_no)
);
