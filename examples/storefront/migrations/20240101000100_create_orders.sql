-- Orders placed by users, and their line items.
CREATE TABLE orders (
    id               UUID PRIMARY KEY,
    user_id          UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status           TEXT        NOT NULL DEFAULT 'pending',
    currency         TEXT        NOT NULL DEFAULT 'USD',
    total_cents      BIGINT      NOT NULL,
    shipping_address TEXT,
    notes            TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT orders_status_check
        CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
    CONSTRAINT orders_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT orders_total_check CHECK (total_cents >= 0)
);

-- "My orders, newest first", optionally filtered by status.
CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at DESC);
CREATE INDEX orders_user_id_status_idx ON orders (user_id, status);

CREATE TABLE order_items (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id         UUID    NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no          INTEGER NOT NULL,
    sku              TEXT    NOT NULL,
    quantity         INTEGER NOT NULL,
    unit_price_cents BIGINT  NOT NULL,
    CONSTRAINT order_items_line_key UNIQUE (order_id, line_no),
    CONSTRAINT order_items_quantity_check CHECK (quantity > 0),
    CONSTRAINT order_items_price_check CHECK (unit_price_cents >= 0)
);

CREATE INDEX order_items_sku_idx ON order_items (sku);
