-- A daemon's own migration, for EmbeddedPostgresTestResourceTest.
CREATE TABLE note (id BIGSERIAL PRIMARY KEY, text TEXT NOT NULL);
