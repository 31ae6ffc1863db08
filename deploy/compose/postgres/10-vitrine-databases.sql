-- Runs once, when the postgres container initialises an empty data volume
-- (/docker-entrypoint-initdb.d). One role and one database per service, as in
-- docs/conventions.md: role <name> / password <name> (development only), database vitrine_<name>.
-- Each database is closed to every other role: no service reads another's tables.

CREATE ROLE catalog  LOGIN PASSWORD 'catalog';
CREATE ROLE checkout LOGIN PASSWORD 'checkout';
CREATE ROLE consult  LOGIN PASSWORD 'consult';
CREATE ROLE returns  LOGIN PASSWORD 'returns';
CREATE ROLE identity LOGIN PASSWORD 'identity';

CREATE DATABASE vitrine_catalog  OWNER catalog;
CREATE DATABASE vitrine_checkout OWNER checkout;
CREATE DATABASE vitrine_consult  OWNER consult;
CREATE DATABASE vitrine_returns  OWNER returns;
CREATE DATABASE vitrine_identity OWNER identity;

REVOKE ALL ON DATABASE vitrine_catalog  FROM PUBLIC;
REVOKE ALL ON DATABASE vitrine_checkout FROM PUBLIC;
REVOKE ALL ON DATABASE vitrine_consult  FROM PUBLIC;
REVOKE ALL ON DATABASE vitrine_returns  FROM PUBLIC;
REVOKE ALL ON DATABASE vitrine_identity FROM PUBLIC;
