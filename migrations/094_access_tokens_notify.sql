-- Every process keeps the valid tokens it has read (src/auth/queries/token-cache.ts) and
-- trusts them only while it listens on this channel: any change to a token row (a revoke
-- by the API or the CLI, an operator's UPDATE or DELETE) notifies its hash, at commit, and
-- every process drops it before its next request. A statement GET costs one query less.
CREATE FUNCTION access_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('access_tokens_changed', OLD.token_hash);
  IF TG_OP = 'UPDATE' AND NEW.token_hash <> OLD.token_hash THEN
    PERFORM pg_notify('access_tokens_changed', NEW.token_hash);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER access_tokens_changed AFTER UPDATE OR DELETE ON access_tokens
  FOR EACH ROW EXECUTE FUNCTION access_tokens_changed();

-- TRUNCATE fires no row trigger: an empty payload drops every kept token
CREATE FUNCTION access_tokens_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('access_tokens_changed', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER access_tokens_truncated AFTER TRUNCATE ON access_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION access_tokens_truncated();
