-- The schema every sample under samples/ expects (users and orders), with enough rows that the
-- backfill and verification Jobs have real work. Loaded once into the template database fixture;
-- each scenario gets its own copy (CREATE DATABASE ... TEMPLATE fixture).
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  user_name varchar(255) NOT NULL DEFAULT '',
  email text,
  login_count integer NOT NULL DEFAULT 0,
  legacy_flag boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_created_at ON users (created_at);
INSERT INTO users (user_name, email, login_count, legacy_flag)
SELECT 'user-' || g,
       CASE WHEN g % 10 = 0 THEN NULL ELSE 'user-' || g || '@example.com' END,
       g % 100,
       g % 2 = 0
FROM generate_series(1, 20000) g;
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL,
  total numeric(12, 2) NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO orders (user_id, total) SELECT 1 + g % 20000, g % 500 FROM generate_series(1, 40000) g;
ANALYZE users;
ANALYZE orders;
