-- Accounts that can sign in to the storefront.
CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    display_name  TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    -- The application stores emails trimmed and lower-cased.
    CONSTRAINT users_email_normalized CHECK (email = lower(btrim(email)))
);
