# NixOS module: services.sparkd — the four sparkd daemons, their timers, and their schemas in the host's PostgreSQL.
#
#   imports = [ ./nix/module.nix ];
#   services.sparkd = { enable = true; settings = { suite.name = …; hosts.… ; services.… ; }; };
#
# That is enough: the daemons' database roles and passwords are made on first start (sparkd-db-setup.service).
# The TOML is rendered from `settings` (RFC 42: freeform, anything sparkd accepts), once per daemon (each logs in
# to PostgreSQL as its own role), and checked with `sparkd check` at build time. See docs/deploy-nixos.md.
#
# Each daemon runs as its own system user (sparkd-<daemon>) with StateDirectory=sparkd/<daemon> only, and gets with
# LoadCredential= only the credentials its part of the settings names. The gateway's stdio MCP servers run as one
# more user (sparkd-mcp) that can read none of it.
#
# Kept to a small subset of nixpkgs lib on purpose: nix/tests/ evaluates this file with a project-written lib
# shim in CI (no nixpkgs there), as well as with nixpkgs' lib.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkEnableOption mkIf mkMerge mkDefault types;

  cfg = config.services.sparkd;
  settingsFormat = pkgs.formats.toml { };

  # name → default port, the TOML section holding its `listen`, and which secret-bearing keys its config reads.
  daemonInfo = {
    router = { port = 8470; section = "router"; what = "OpenAI-compatible endpoint"; cloudKeys = true; ssh = false; mcp = false; };
    health-agent = { port = 8471; section = "health"; what = "probes the model servers"; cloudKeys = true; ssh = true; mcp = false; };
    model-manager = { port = 8472; section = "models"; what = "declared models on each Spark"; cloudKeys = false; ssh = true; mcp = false; };
    mcp-gateway = { port = 8473; section = "mcp"; what = "one MCP endpoint for the tool servers"; cloudKeys = false; ssh = false; mcp = true; };
  };
  daemonNames = builtins.attrNames daemonInfo;
  enabledDaemons = builtins.filter (d: cfg.daemons.${d}.enable) daemonNames;
  # The daemon's role and schema (sparkd's own rule: '-' becomes '_').
  schemaOf = d: builtins.replaceStrings [ "-" ] [ "_" ] d;
  # The flags of a JDK argument file in jvm/ (one per line, '#' comment lines): the launcher's own definition.
  jvmFlags = file: builtins.filter (l: builtins.isString l && l != "" && builtins.substring 0 1 l != "#")
    (builtins.split "\n" (builtins.readFile file));
  userOf = d: "sparkd-${d}";

  # `listen = "host:port"` of the daemon's section → { host; port; } (default: loopback and the daemon's port).
  listenOf = d:
    let
      section = cfg.settings.${daemonInfo.${d}.section} or { };
      m = if section ? listen then builtins.match "\\[?([^]]*)]?:([0-9]+)" section.listen else null;
    in
    if m == null then { host = "127.0.0.1"; port = daemonInfo.${d}.port; }
    else { host = builtins.head m; port = builtins.fromJSON (builtins.elemAt m 1); };
  isLoopback = h: h == "localhost" || h == "::1" || lib.hasPrefix "127." h;
  # Where readiness is asked (and Prometheus scrapes): a wildcard listen is reached on loopback; IPv6 in brackets.
  readyAddress = d:
    let
      l = listenOf d;
      h = if builtins.elem l.host [ "" "0.0.0.0" "::" "*" ] then "127.0.0.1" else l.host;
    in
    (if builtins.match ".*:.*" h != null then "[${h}]" else h) + ":${toString l.port}";

  # --- secrets ------------------------------------------------------------------------------------------------
  # A path literal would be copied into the world-readable store (and a submodule type would even import it):
  # refuse it without ever turning it into a string.
  pathLiteralError = where: throw ''
    ${where} is a Nix path literal: Nix would copy the secret into the world-readable /nix/store.
    Write it as a string instead, e.g. "/var/lib/secrets/sparkd/…" (the file stays where it is).'';
  normalizeCredential = where: n: v:
    if builtins.isPath v then pathLiteralError where
    else if builtins.isString v then { source = v; path = "/run/credentials/${n}"; }
    else if builtins.isAttrs v && v ? source then
      (if builtins.isPath v.source then pathLiteralError "${where}.source" else { source = v.source; path = v.path or "/run/credentials/${n}"; })
    else throw "${where} must be a file name (string) or { source = \"…\"; path = \"…\"; }";
  credentialOption = where: mkOption {
    # Checked in `apply`, not by the type: the type must not accept (and import) a path literal.
    type = types.attrsOf types.anything;
    default = { };
    apply = builtins.mapAttrs (n: v: normalizeCredential "${where}.${n}" n v);
    example = {
      openai-api-key = "/var/lib/secrets/sparkd/openai-api-key";
      ssh-key = { source = "/var/lib/secrets/sparkd/id_ed25519"; path = "/etc/sparkd/ssh/id_ed25519"; };
    };
    description = ''
      Secrets: NAME = SOURCE (a file outside the store) is shown at /run/credentials/NAME, or
      NAME = { source; path; } at `path`. A unit loads (LoadCredential=) only the credentials whose path its
      daemon's settings name.
    '';
  };

  # The secret files each daemon's configuration reads (what `sparkd check --credentials DAEMON` lists).
  values = attrs: map (n: attrs.${n}) (builtins.attrNames attrs);
  keyOf = key: a: if builtins.isAttrs a && a ? ${key} && builtins.isString a.${key} then [ a.${key} ] else [ ];
  referencedPaths = d:
    let
      s = daemonSettings d;
      i = daemonInfo.${d};
    in
    keyOf "admin_token_file" (s.suite or { })
    ++ keyOf "password_file" (s.database or { })
    ++ lib.optionals i.cloudKeys (builtins.concatLists (map (keyOf "api_key_file") (values (s.services or { }))))
    ++ lib.optionals i.ssh (builtins.concatLists (map (h: keyOf "key_file" (h.ssh or { })) (values (s.hosts or { }))))
    ++ lib.optionals i.mcp (builtins.concatLists (map (keyOf "token_file") (values ((s.mcp or { }).servers or { }))))
    # the model-manager hands vLLM its API key and the catalog's Hugging Face tokens and env files to the containers
    ++ lib.optionals (d == "model-manager") (
      builtins.concatLists (map (keyOf "api_key_file") (builtins.filter (v: (v.kind or "") == "vllm") (values (s.services or { }))))
      ++ builtins.concatLists (map (m: builtins.concatLists (map (e: keyOf "hf_token_file" e ++ keyOf "env_file" e) (values (m.catalog or { }))))
        (builtins.filter builtins.isAttrs (values (s.models or { })))));
  # name → { source; path; } for daemon d: the shared credentials, a daemon's own override (e.g. the health-agent's
  # read-only telemetry key under the same name), only those its settings reference.
  credentialsOf = d:
    lib.filterAttrs (_: c: builtins.elem c.path (referencedPaths d)) (cfg.credentials // cfg.daemons.${d}.credentials);
  unusedCredentials = builtins.filter (n: !(builtins.any (d: (credentialsOf d) ? ${n}) enabledDaemons)) (builtins.attrNames cfg.credentials);
  inStore = p: lib.hasPrefix builtins.storeDir p;

  # --- configuration files ---------------------------------------------------------------------------------------
  localDatabase = {
    url = "postgresql://127.0.0.1:${toString config.services.postgresql.settings.port}/${cfg.database.name}";
  };
  # The admin token every daemon accepts: unless the settings name one, generated on first start by
  # sparkd-admin-token.service (root-readable only; the command-line tools read it there, as root) and loaded by each
  # unit as a credential.
  ownToken = let suite = cfg.settings.suite or { }; in suite ? admin_token_file || suite ? admin_token_env;
  adminTokenSource = "/var/lib/sparkd-admin/admin-token";
  # What every daemon shares (also /etc/sparkd/sparkd.toml, for the command-line tools) …
  commonSettings = lib.recursiveUpdate cfg.settings (lib.optionalAttrs (!ownToken) { suite.admin_token_file = adminTokenSource; });
  # … and each daemon's own file: it logs in as its own role, with the password generated for it.
  daemonSettings = d: lib.recursiveUpdate cfg.settings (lib.optionalAttrs cfg.database.createLocally {
    database = localDatabase // { user = schemaOf d; password_file = "/run/credentials/${userOf d}.service/db-password"; };
  } // lib.optionalAttrs (!ownToken) {
    suite = (cfg.settings.suite or { }) // { admin_token_file = "/run/credentials/${userOf d}.service/admin-token"; };
  });
  # As nixpkgs does for prometheus: the rendered file is checked in a build step, and the checker's own account of
  # the daemon's listen address and secret files must equal what the module derived from the settings (they decide
  # the readiness check and LoadCredential=). The checker does not read the secrets (they exist at run time only).
  checked = name: settings: d:
    let file = settingsFormat.generate "${name}.toml" settings;
    in
    if cfg.checkConfig then
      pkgs.runCommandLocal "${name}-checked.toml" { passthru = { inherit settings; }; } (''
        ${cfg.package}/bin/sparkd-check ${file}
      '' + lib.optionalString (d != null) ''
        [ "$(${cfg.package}/bin/sparkd-check --listen ${d} ${file})" = ${lib.escapeShellArg "${(listenOf d).host} ${toString (listenOf d).port}"} ] \
          || { echo "sparkd module: ${d}'s port differs from the checker's" >&2; exit 1; }
        [ "$(${cfg.package}/bin/sparkd-check --credentials ${d} ${file} | sort | tr '\n' ' ')" = ${lib.escapeShellArg (lib.concatMapStrings (p: p + " ") (lib.sort (a: b: a < b) (lib.unique (referencedPaths d))))} ] \
          || { echo "sparkd module: ${d}'s secret files differ from the checker's" >&2; exit 1; }
      '' + ''
        cp ${file} $out
      '')
    else file;
  commonConfigFile = checked "sparkd" commonSettings null;
  configFileOf = d: checked "sparkd-${d}" (daemonSettings d) d;

  javaCommand = d: args:
    "${cfg.jre}/bin/java ${lib.concatStringsSep " " cfg.daemons.${d}.javaOptions}"
    + " -jar ${cfg.package}/share/sparkd/${d}/quarkus-run.jar ${args}--config ${configFileOf d}";

  # What every sparkd unit shares, as systemd/*.service do (scored by .ci/check-systemd and .ci/check-nix); each unit
  # adds or overrides its own few lines.
  sandbox = {
    UMask = "0077";
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    PrivateDevices = true;
    PrivateIPC = true;
    NoNewPrivileges = true;
    CapabilityBoundingSet = "";
    AmbientCapabilities = "";
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    LockPersonality = true;
    ProtectClock = true;
    ProtectControlGroups = true;
    ProtectHostname = true;
    ProtectKernelLogs = true;
    ProtectKernelModules = true;
    ProtectKernelTunables = true;
    ProtectProc = "invisible";
    ProcSubset = "pid";
    RemoveIPC = true;
    KeyringMode = "private";
    DevicePolicy = "closed";
    SystemCallArchitectures = "native";
    SystemCallErrorNumber = "EPERM";
  };

  hardening = d: sandbox // {
    User = userOf d;
    Group = userOf d;
    PrivateUsers = true;
    PrivateMounts = true;
    RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" ];
    # @resources stays allowed: the JVM raises its file-descriptor limit with setrlimit() at start.
    SystemCallFilter = [ "@system-service" "~@privileged" ];
    # Java requires this to be false: the JIT compiler writes, then executes, code pages.
    MemoryDenyWriteExecute = false;
  };

  credentialConfig = d:
    let creds = credentialsOf d;
    in {
      LoadCredential = lib.mapAttrsToList (n: c: "${n}:${c.source}") creds
        ++ lib.optional cfg.database.createLocally "db-password:/var/lib/sparkd-db/${d}.password"
        ++ lib.optional (!ownToken) "admin-token:${adminTokenSource}";
      BindReadOnlyPaths = lib.mapAttrsToList (n: c: "%d/${n}:${c.path}") creds;
    };

  serverUser = cfg.daemons.mcp-gateway.serverUser;
  mcpCommands = map (s: builtins.head (s.command or [ "" ])) (values ((cfg.settings.mcp or { }).servers or { }));
  needsNode = builtins.any (c: builtins.elem c [ "node" "npx" "npm" ]) mcpCommands;
  # The gateway, when its servers run as serverUser: setpriv needs CAP_SETUID/CAP_SETGID and the @setuid calls (its
  # children inherit the seccomp filter); the user must be visible (no PrivateUsers). It gets nothing else, and the
  # other daemons' state and every secret it does not load are made inaccessible to it.
  gatewayConfig = lib.optionalAttrs (serverUser != null) {
    AmbientCapabilities = [ "CAP_SETUID" "CAP_SETGID" ];
    CapabilityBoundingSet = [ "CAP_SETUID" "CAP_SETGID" ];
    PrivateUsers = false;
    # The gateway must see its servers in /proc (they run as another user) to end their process group.
    ProtectProc = "default";
    SystemCallFilter = [ "@system-service" "~@privileged" "@setuid capset" ];
    InaccessiblePaths = map (p: "-${p}") ([ "/var/lib/sparkd-db" "/var/lib/sparkd-admin" "/var/lib/private" "/etc/sparkd/ssh" ]
      ++ map (d: "/var/lib/sparkd/${d}") (builtins.filter (d: d != "mcp-gateway") daemonNames)
      ++ lib.unique (builtins.concatLists (map (d: lib.mapAttrsToList (_: c: c.source) (credentialsOf d)) (builtins.filter (d: d != "mcp-gateway") daemonNames))));
  } // {
    # Its stdio MCP servers inherit this sandbox: read-only everywhere except these paths (created by tmpfiles).
    ReadWritePaths = map (p: "-${p}") cfg.daemons.mcp-gateway.writablePaths;
  };

  # The setup one-shots (admin token, database roles): no network, nothing but their own state directory.
  oneshotHardening = sandbox // {
    Type = "oneshot";
    RemainAfterExit = true;
    PrivateNetwork = true;
    IPAddressDeny = "any";
    MemoryDenyWriteExecute = true;
    SystemCallFilter = [ "@system-service" "~@privileged @resources" ];
  };

  dependencies = lib.optionals cfg.database.createLocally [ "postgresql.service" "sparkd-db-setup.service" ]
    ++ lib.optional (!ownToken) "sparkd-admin-token.service";

  daemonService = d: {
    description = "sparkd ${d} (${daemonInfo.${d}.what})";
    wantedBy = [ "sparkd.target" ];
    partOf = [ "sparkd.target" ];
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ] ++ dependencies;
    requires = dependencies;
    path = cfg.daemons.${d}.path;
    environment.MALLOC_ARENA_MAX = "2";
    unitConfig = {
      StartLimitIntervalSec = "10min";
      StartLimitBurst = 5;
    };
    serviceConfig = hardening d // credentialConfig d // {
      Type = "exec";
      # Migrations run before the daemon, not inside it: pending versioned migrations of its own schema.
      ExecStartPre = "${cfg.package}/bin/sparkd-migrate --config ${configFileOf d} ${d}";
      ExecStart = javaCommand d "";
      # Readiness: active only once /q/health/ready answers 200 on the address the settings give (no TOML parsing).
      ExecStartPost = "${cfg.package}/bin/sparkd-wait-ready ${d} ${readyAddress d}";
      TimeoutStartSec = 240;
      TimeoutStopSec = 60;
      Restart = "on-failure";
      RestartSec = "5s";
      RestartPreventExitStatus = 2; # invalid configuration: restarting cannot help
      SuccessExitStatus = 143;
      StateDirectory = "sparkd/${d}";
      StateDirectoryMode = "0750";
      WorkingDirectory = "/var/lib/sparkd/${d}";
      MemoryHigh = cfg.daemons.${d}.memoryHigh;
      MemoryMax = cfg.daemons.${d}.memoryMax;
      CPUQuota = cfg.daemons.${d}.cpuQuota;
      TasksMax = if d == "mcp-gateway" then 512 else 256;
    } // lib.optionalAttrs (d == "mcp-gateway") gatewayConfig;
  };

  oneshotService = d: description: args: timeout: {
    inherit description;
    partOf = [ "sparkd.target" ];
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ] ++ dependencies;
    requires = dependencies;
    onFailure = lib.optional (cfg.notifyCommand != null) "sparkd-notify@%n.service";
    environment.MALLOC_ARENA_MAX = "2";
    serviceConfig = hardening d // credentialConfig d // {
      Type = "oneshot";
      ExecStart = javaCommand d args;
      TimeoutStartSec = timeout;
      StateDirectory = "sparkd/${d}";
      StateDirectoryMode = "0750";
      WorkingDirectory = "/var/lib/sparkd/${d}";
      MemoryMax = cfg.daemons.${d}.memoryMax;
      CPUQuota = cfg.daemons.${d}.cpuQuota;
    };
  };

  daemonOptions = d: {
    enable = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to run sparkd-${d}.service.";
    };
    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open ${d}'s TCP port (from settings.${daemonInfo.${d}.section}.listen; refused for a loopback listen).";
    };
    path = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = lib.literalExpression "[ pkgs.uv ]";
      description = "Packages on the unit's PATH (the gateway also gets nodejs when a server's command is node/npx/npm, and util-linux).";
    };
    credentials = credentialOption "services.sparkd.daemons.${d}.credentials" // {
      description = ''
        Credentials for this daemon only, added to (and overriding by name) services.sparkd.credentials: e.g. the
        health-agent's read-only telemetry key under the name the settings use for the SSH key.
      '';
    };
    javaOptions = mkOption {
      type = types.listOf types.str;
      # The launcher's definition (jvm/daemon.options, and jvm/router.options after it for the router; JDK argument
      # files: one flag per line, '#' comment lines).
      default = jvmFlags ../jvm/daemon.options ++ lib.optionals (d == "router") (jvmFlags ../jvm/router.options);
      description = "JVM flags (the launcher's small-footprint defaults, plus C2 for the router; docs/operations.md).";
    };
    memoryHigh = mkOption {
      type = types.str;
      default = if d == "mcp-gateway" then "768M" else "320M";
      description = "systemd MemoryHigh= (throttling starts here).";
    };
    memoryMax = mkOption {
      type = types.str;
      default = if d == "mcp-gateway" then "1G" else "384M";
      description = "systemd MemoryMax= (the JVM needs ~175 MB; mcp-gateway's MCP servers count too).";
    };
    cpuQuota = mkOption {
      type = types.str;
      default = "100%";
      description = "systemd CPUQuota=.";
    };
  } // lib.optionalAttrs (d == "mcp-gateway") {
    writablePaths = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "/srv/notes" ];
      description = ''
        Paths the gateway's stdio MCP servers may write (ReadWritePaths=); all else is read-only. Missing
        directories are created (tmpfiles), owned by serverUser.
      '';
    };
    serverUser = mkOption {
      type = types.nullOr types.str;
      default = "sparkd-mcp";
      description = ''
        The system user the gateway's stdio MCP servers run as (settings.mcp.run_as): it can read neither the
        daemons' state nor their credentials. null runs them as the gateway's own user.
      '';
    };
  };
in
{
  options.services.sparkd = {
    enable = mkEnableOption "sparkd, the DGX Spark cluster daemons";

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./nix/package.nix { }";
      description = "The sparkd build (nix/package.nix): share/sparkd/<daemon>/quarkus-run.jar and bin/sparkd-check.";
    };

    jre = mkOption {
      type = types.package;
      default = pkgs.jre_headless;
      defaultText = lib.literalExpression "pkgs.jre_headless";
      description = "Java runtime (17 or newer) the daemons run on.";
    };

    settings = mkOption {
      type = types.submodule {
        freeformType = settingsFormat.type;
      };
      default = { };
      description = ''
        The sparkd configuration, rendered to /etc/sparkd/sparkd.toml (see docs/configuration.md).
        Secrets are references (`*_file`, `*_env`), never values: use `credentials`.
      '';
    };

    checkConfig = mkOption {
      type = types.bool;
      default = true;
      description = "Check the rendered files with `sparkd check` at build time.";
    };

    prometheus.scrapeConfigs = mkOption {
      type = types.listOf types.anything;
      readOnly = true;
      description = ''
        A Prometheus scrape config for the enabled daemons, at the addresses their settings listen on (a wildcard
        listen is scraped on 127.0.0.1): `services.prometheus.scrapeConfigs = config.services.sparkd.prometheus.scrapeConfigs;`
        on this machine. The same labels as dashboards/prometheus/scrape.yml, so the dashboards and alerts apply.
      '';
    };

    configFiles = mkOption {
      type = types.attrsOf types.anything;
      readOnly = true;
      internal = true;
      description = "Each enabled daemon's checked configuration file (for tests to assert on).";
    };

    credentials = credentialOption "services.sparkd.credentials";

    database = {
      createLocally = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Use the host's services.postgresql: database `name`, and one role per daemon (router, health_agent,
          model_manager, mcp_gateway) owning only its schema, each with a random password made on first start by
          sparkd-db-setup.service and handed to that daemon alone. Without this, set settings.database.url (and
          passwordFile) yourself.
        '';
      };
      name = mkOption { type = types.str; default = "sparkd"; description = "Database name."; };
      passwordFile = mkOption {
        type = types.nullOr types.anything;
        default = null;
        apply = v: if builtins.isPath v then pathLiteralError "services.sparkd.database.passwordFile" else v;
        example = "/var/lib/secrets/sparkd/db-password";
        description = ''
          An external database only (createLocally = false): file with the password of settings.database's user.
          It becomes credential sparkd-db-password at /run/credentials/sparkd-db-password.
        '';
      };
    };

    daemons = lib.genAttrs daemonNames (d: daemonOptions d);

    healthCheck = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = "Run `health-agent --once` on a timer: for hosts without the daemon (next to it, it duplicates its probes and mails every vLLM load).";
      };
      onCalendar = mkOption { type = types.str; default = "*:0/5"; description = "When (systemd OnCalendar=)."; };
    };

    modelReconcile = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = "Run `model-manager reconcile --once` on a timer: for hosts without the daemon (which reconciles on its own schedule).";
      };
      onCalendar = mkOption { type = types.str; default = "hourly"; description = "When (systemd OnCalendar=)."; };
    };

    notifyCommand = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = lib.literalExpression ''"''${pkgs.ntfy-sh}/bin/ntfy publish home-lab"'';
      description = "Run with the failed unit's name (its log on stdin) when a timer's check fails (OnFailure=).";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [
        {
          assertion = cfg.database.createLocally || (cfg.settings.database or { }) ? url;
          message = "services.sparkd: set settings.database.url (or database.createLocally): the embedded PostgreSQL does not run on NixOS.";
        }
        {
          assertion = !(cfg.database.createLocally && cfg.database.passwordFile != null);
          message = "services.sparkd.database.passwordFile is for an external database: with database.createLocally each daemon's role gets a generated password.";
        }
        {
          assertion = builtins.all (c: !(inStore c.source)) (values cfg.credentials ++ builtins.concatLists (map (d: values cfg.daemons.${d}.credentials) daemonNames))
            && (cfg.database.passwordFile == null || !(inStore cfg.database.passwordFile));
          message = "services.sparkd credentials and database.passwordFile must name files outside the Nix store (the store is world-readable).";
        }
      ] ++ map (d: {
        assertion = !cfg.daemons.${d}.openFirewall || !(isLoopback (listenOf d).host);
        message = "services.sparkd.daemons.${d}.openFirewall: ${d} listens on ${(listenOf d).host} (loopback), which no other host can reach; set settings.${daemonInfo.${d}.section}.listen (e.g. \"0.0.0.0:${toString (listenOf d).port}\") or leave the port closed.";
      }) daemonNames;

      warnings = map (n: "services.sparkd.credentials.${n} is named by no enabled daemon's settings, so no unit loads it.") unusedCredentials;

      services.sparkd.settings = {
        suite.state_dir = mkDefault "/var/lib/sparkd";
        database = mkMerge [
          (mkIf cfg.database.createLocally (builtins.mapAttrs (_: mkDefault) localDatabase))
          (mkIf (cfg.database.passwordFile != null) { password_file = mkDefault "/run/credentials/sparkd-db-password"; })
        ];
        mcp = mkIf (serverUser != null && cfg.daemons.mcp-gateway.enable) { run_as = mkDefault serverUser; };
      };
      services.sparkd.credentials = mkIf (cfg.database.passwordFile != null) { sparkd-db-password = cfg.database.passwordFile; };

      services.sparkd.daemons.mcp-gateway.path = [ pkgs.util-linux ] ++ lib.optional needsNode pkgs.nodejs;

      services.sparkd.configFiles = lib.genAttrs enabledDaemons configFileOf;
      services.sparkd.prometheus.scrapeConfigs = [{
        job_name = "sparkd";
        metrics_path = "/q/metrics";
        scrape_interval = "30s";
        static_configs = map (d: {
          targets = [ (readyAddress d) ];
          labels = { daemon = d; daemon_host = config.networking.hostName; };
        }) enabledDaemons;
      }];
      environment.etc."sparkd/sparkd.toml".source = commonConfigFile;
      environment.systemPackages = [ cfg.package ];

      users.users = lib.listToAttrs (map (d: lib.nameValuePair (userOf d) {
        isSystemUser = true;
        group = userOf d;
        description = "sparkd ${d}";
      }) enabledDaemons) // lib.optionalAttrs (serverUser != null && cfg.daemons.mcp-gateway.enable) {
        ${serverUser} = { isSystemUser = true; group = serverUser; description = "sparkd MCP servers (started by the gateway)"; };
      };
      users.groups = lib.listToAttrs (map (d: lib.nameValuePair (userOf d) { }) enabledDaemons)
        // lib.optionalAttrs (serverUser != null && cfg.daemons.mcp-gateway.enable) { ${serverUser} = { }; };

      systemd.tmpfiles.settings.sparkd = lib.listToAttrs (map (p: lib.nameValuePair p {
        d = { mode = "0750"; user = if serverUser != null then serverUser else userOf "mcp-gateway"; group = if serverUser != null then serverUser else userOf "mcp-gateway"; };
      }) cfg.daemons.mcp-gateway.writablePaths);

      systemd.targets.sparkd = {
        description = "sparkd daemons";
        wantedBy = [ "multi-user.target" ];
      };

      systemd.services = lib.listToAttrs (map (d: lib.nameValuePair "sparkd-${d}" (daemonService d)) enabledDaemons);

      networking.firewall.allowedTCPPorts = map (d: (listenOf d).port) (builtins.filter (d: cfg.daemons.${d}.openFirewall) enabledDaemons);
    }

    (mkIf cfg.healthCheck.enable {
      systemd.services.sparkd-health-check = oneshotService "health-agent"
        "sparkd health check (health-agent --once)" "--once " "5min";
      systemd.timers.sparkd-health-check = {
        wantedBy = [ "timers.target" ];
        partOf = [ "sparkd.target" ];
        timerConfig = {
          OnBootSec = "3min";
          OnCalendar = cfg.healthCheck.onCalendar;
          RandomizedDelaySec = "30s";
          AccuracySec = "30s";
        };
      };
    })

    (mkIf cfg.modelReconcile.enable {
      systemd.services.sparkd-model-reconcile = oneshotService "model-manager"
        "sparkd model reconcile (model-manager reconcile --once)" "reconcile --once " "2h";
      systemd.timers.sparkd-model-reconcile = {
        wantedBy = [ "timers.target" ];
        partOf = [ "sparkd.target" ];
        timerConfig = {
          OnCalendar = cfg.modelReconcile.onCalendar;
          RandomizedDelaySec = "10min";
          Persistent = true;
        };
      };
    })

    (mkIf (cfg.notifyCommand != null) {
      systemd.services."sparkd-notify@" = {
        description = "sparkd notification for a failed %i";
        scriptArgs = "%i";
        script = ''
          journalctl -u "$1" -n 30 --no-pager -o cat | ${cfg.notifyCommand} "$1"
        '';
        # The sandbox of systemd/sparkd-notify@.service.
        serviceConfig = sandbox // {
          Type = "oneshot";
          DynamicUser = true;
          SupplementaryGroups = [ "systemd-journal" ];
          PrivateUsers = false; # reads the journal as group systemd-journal
          RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" ];
          MemoryDenyWriteExecute = true;
          SystemCallFilter = [ "@system-service" "~@privileged @resources" ];
        };
      };
    })

    (mkIf (!ownToken) {
      # The admin token, made once (0600, a dynamic user's state directory: /var/lib/private is root-only).
      systemd.services.sparkd-admin-token = {
        description = "sparkd: the admin token";
        before = map (d: "sparkd-${d}.service") enabledDaemons;
        requiredBy = map (d: "sparkd-${d}.service") enabledDaemons;
        path = [ pkgs.coreutils ];
        script = ''
          set -euo pipefail
          umask 077
          f="$STATE_DIRECTORY/admin-token"
          [ -s "$f" ] || printf 'sparkd-admin-%s\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')" > "$f"
        '';
        serviceConfig = oneshotHardening // {
          DynamicUser = true;
          StateDirectory = "sparkd-admin";
          StateDirectoryMode = "0700";
          PrivateUsers = true;
          RestrictAddressFamilies = "none";
        };
      };
    })

    (mkIf cfg.database.createLocally {
      services.postgresql = {
        enable = true;
        ensureDatabases = [ cfg.database.name ];
      };

      # One role per daemon, owning only its schema, with a random password made on first start and kept
      # (0600, user postgres) in /var/lib/sparkd-db/<daemon>.password, which that daemon's unit alone loads
      # (LoadCredential=). Runs as postgres over the Unix socket (peer authentication); the password reaches psql
      # on stdin (printf is a bash builtin: no command line shows it). Runs once per boot (RemainAfterExit).
      systemd.services.sparkd-db-setup = {
        description = "sparkd: PostgreSQL roles and schemas of the daemons";
        after = [ "postgresql.service" "postgresql-setup.service" ];
        requires = [ "postgresql.service" ];
        before = map (d: "sparkd-${d}.service") enabledDaemons;
        requiredBy = map (d: "sparkd-${d}.service") enabledDaemons;
        path = [ config.services.postgresql.package pkgs.coreutils ];
        script = ''
          set -euo pipefail
          umask 077
          db=${lib.escapeShellArg cfg.database.name}
          {
            printf 'SET client_min_messages = warning;\n'
            printf 'REVOKE ALL ON DATABASE %s FROM PUBLIC;\n' "\"$db\""
            printf 'REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n'
            for d in ${lib.escapeShellArgs enabledDaemons}; do
              role=''${d//-/_}
              f="$STATE_DIRECTORY/$d.password"
              [ -s "$f" ] || head -c 24 /dev/urandom | base64 | tr '+/' '-_' > "$f"
              pw=$(<"$f")
              printf "SELECT 'CREATE ROLE %s' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s')\\\\gexec\n" "$role" "$role"
              printf "ALTER ROLE %s WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '%s';\n" "$role" "$pw"
              printf 'ALTER ROLE %s SET search_path = %s;\n' "$role" "$role"
              printf 'GRANT CONNECT ON DATABASE %s TO %s;\n' "\"$db\"" "$role"
              printf 'CREATE SCHEMA IF NOT EXISTS %s AUTHORIZATION %s;\n' "$role" "$role"
              printf 'ALTER SCHEMA %s OWNER TO %s;\n' "$role" "$role"
            done
          } | psql -X -q -v ON_ERROR_STOP=1 -d "$db"
        '';
        serviceConfig = oneshotHardening // {
          User = "postgres";
          Group = "postgres";
          StateDirectory = "sparkd-db";
          StateDirectoryMode = "0700";
          PrivateUsers = false; # peer authentication needs the real postgres uid
          # Only the Unix socket of PostgreSQL: no network at all.
          RestrictAddressFamilies = [ "AF_UNIX" ];
        };
      };
    })
  ]);

  meta.maintainers = [ ];
}
