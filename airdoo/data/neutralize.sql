-- A neutralized copy of a database must not accept deliveries signed for
-- the production one.
DELETE FROM ir_config_parameter
 WHERE key IN (
    'airdoo.webhook_secret',
    'airdoo.webhook_secret_previous',
    'airdoo.webhook_secret_previous_expiry'
 );
