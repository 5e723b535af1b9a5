# NixOS module: services.sparkd — the four sparkd daemons, their timers, and a local PostgreSQL.
#
#   imports = [ ./nix/module.nix ];
#   services.sparkd = { enable = true; settings = { … }; credentials = { … }; database.passwordFile = …; };
#
# The TOML is rendered from `settings` (RFC 42: freeform, anything sparkd accepts) and checked with
# `sparkd check` at build time, so a bad config fails `nixos-rebuild`, not the service. See docs/deploy-nixos.md.
#
# Kept to a small subset of nixpkgs lib on purpose: nix/tests/ evaluates this file with a project-written lib
# shim in CI (no nixpkgs there), as well as with nixpkgs' lib.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkEnableOption mkIf mkMerge mkDefault types;

  cfg = config.services.sparkd;
  settingsFormat = pkgs.formats.toml { };

  # name → default port and the TOML section holding its `listen`.
  daemonInfo = {
    router = { port = 8470; section = "router"; what = "OpenAI-compatible endpoint"; };
    health-agent = { port = 8471; section = "health"; what = "probes the model servers"; };
    model-manager = { port = 8472; section = "models"; what = "declared models on each Spark"; };
    mcp-gateway = { port = 8473; section = "mcp"; what = "one MCP endpoint for the tool servers"; };
  };
  daemonNames = builtins.attrNames daemonInfo;
  enabledDaemons = builtins.filter (d: cfg.daemons.${d}.enable) daemonNames;

  listenPort = d:
    let
      section = cfg.settings.${daemonInfo.${d}.section} or { };
      m = if section ? listen then builtins.match ".*:([0-9]+)" section.listen else null;
    in
    if m == null then daemonInfo.${d}.port else builtins.fromJSON (builtins.head m);

  configFile = settingsFormat.generate "sparkd.toml" cfg.settings;
  # As nixpkgs does for prometheus: the rendered file is checked in a build step. The checker does not read
  # the secrets the file refers to (they only exist at run time, under /run/credentials).
  checkedConfigFile =
    if cfg.checkConfig then
      pkgs.runCommandLocal "sparkd-checked.toml" { } ''
        ${cfg.package}/bin/sparkd-check ${configFile}
        cp ${configFile} $out
      ''
    else configFile;

  # credentials: name → source file, shown to the daemons at /run/credentials/<name>, or
  # name → { source; path; } to show it at another path (e.g. the SSH key where the TOML names it).
  credentialSource = v: if builtins.isString v then v else v.source;
  credentialPath = n: v: if builtins.isString v then "/run/credentials/${n}" else v.path;
  allCredentials = cfg.credentials
    // lib.optionalAttrs (cfg.database.passwordFile != null) { "sparkd-db-password" = cfg.database.passwordFile; };
  credentialConfig = {
    LoadCredential = lib.mapAttrsToList (n: v: "${n}:${credentialSource v}") allCredentials;
    BindReadOnlyPaths = lib.mapAttrsToList (n: v: "%d/${n}:${credentialPath n v}") allCredentials;
  };

  javaCommand = d: args:
    "${cfg.jre}/bin/java ${lib.concatStringsSep " " cfg.daemons.${d}.javaOptions}"
    + " -jar ${cfg.package}/share/sparkd/${d}/quarkus-run.jar ${args}--config ${checkedConfigFile}";

  # The same sandbox as systemd/*.service (scored in docs/deploy-systemd.md).
  hardening = {
    User = "sparkd";
    Group = "sparkd";
    UMask = "0077";
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    PrivateDevices = true;
    PrivateUsers = true;
    PrivateIPC = true;
    PrivateMounts = true;
    NoNewPrivileges = true;
    CapabilityBoundingSet = "";
    AmbientCapabilities = "";
    RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" ];
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
    # @resources stays allowed: the JVM raises its file-descriptor limit with setrlimit() at start.
    SystemCallFilter = [ "@system-service" "~@privileged" ];
    SystemCallErrorNumber = "EPERM";
    # Java requires this to be false: the JIT compiler writes, then executes, code pages.
    MemoryDenyWriteExecute = false;
  };

  dependencies = lib.optionals cfg.database.createLocally [ "postgresql.service" "sparkd-db-password.service" ];

  daemonService = d: {
    description = "sparkd ${d} (${daemonInfo.${d}.what})";
    wantedBy = [ "sparkd.target" ];
    partOf = [ "sparkd.target" ];
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ] ++ dependencies;
    requires = dependencies;
    environment.MALLOC_ARENA_MAX = "2";
    unitConfig = {
      StartLimitIntervalSec = "10min";
      StartLimitBurst = 5;
    };
    serviceConfig = hardening // credentialConfig // {
      Type = "exec";
      # Migrations run before the daemon, not inside it: the daemon's schema, then pending versioned migrations.
      ExecStartPre = "${cfg.package}/bin/sparkd-migrate --config ${checkedConfigFile} ${d}";
      ExecStart = javaCommand d "";
      # Readiness: active only once /q/health/ready answers 200.
      ExecStartPost = "${cfg.package}/bin/sparkd-wait-ready ${d} ${checkedConfigFile}";
      TimeoutStartSec = 240;
      TimeoutStopSec = 60;
      Restart = "on-failure";
      RestartSec = "5s";
      RestartPreventExitStatus = 2; # invalid configuration: restarting cannot help
      SuccessExitStatus = 143;
      StateDirectory = [ "sparkd" "sparkd/${d}" ];
      StateDirectoryMode = "0750";
      WorkingDirectory = "/var/lib/sparkd/${d}";
      MemoryHigh = cfg.daemons.${d}.memoryHigh;
      MemoryMax = cfg.daemons.${d}.memoryMax;
      CPUQuota = cfg.daemons.${d}.cpuQuota;
      TasksMax = if d == "mcp-gateway" then 512 else 256;
    } // lib.optionalAttrs (d == "mcp-gateway") {
      # Its stdio MCP servers inherit this sandbox: read-only everywhere except these paths.
      ReadWritePaths = cfg.daemons.mcp-gateway.writablePaths;
    };
  };

  oneshotService = d: description: args: timeout: {
    inherit description;
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ] ++ dependencies;
    requires = dependencies;
    onFailure = lib.optional (cfg.notifyCommand != null) "sparkd-notify@%n.service";
    environment.MALLOC_ARENA_MAX = "2";
    serviceConfig = hardening // credentialConfig // {
      Type = "oneshot";
      ExecStart = javaCommand d args;
      TimeoutStartSec = timeout;
      StateDirectory = [ "sparkd" "sparkd/${d}" ];
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
    javaOptions = mkOption {
      type = types.listOf types.str;
      # The launcher's definition (jvm/daemon.options, a JDK argument file: one flag per line, '#' comment lines).
      default = builtins.filter (l: builtins.isString l && l != "" && builtins.substring 0 1 l != "#")
        (builtins.split "\n" (builtins.readFile ../jvm/daemon.options));
      description = "JVM flags (the launcher's small-footprint defaults, docs/operations.md).";
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
      description = "Paths the gateway's stdio MCP servers may write (ReadWritePaths=); all else is read-only.";
    };
  };
in
{
  options.services.sparkd = {
    enable = mkEnableOption "sparkd, the DGX Spark cluster daemons";

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      description = "The sparkd build (nix/package.nix): share/sparkd/<daemon>/quarkus-run.jar and bin/sparkd-check.";
    };

    jre = mkOption {
      type = types.package;
      default = pkgs.jre_headless;
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
      description = "Check the rendered file with `sparkd check` at build time.";
    };

    credentials = mkOption {
      type = types.attrsOf (types.either types.str (types.submodule {
        options = {
          source = mkOption { type = types.str; description = "File holding the secret (outside the store)."; };
          path = mkOption { type = types.str; description = "Path the daemons see it at."; };
        };
      }));
      default = { };
      example = {
        openai-api-key = "/var/lib/secrets/openai-api-key";
        ssh-key = { source = "/var/lib/secrets/sparkd-ssh-key"; path = "/etc/sparkd/ssh/id_ed25519"; };
      };
      description = ''
        Secrets handed to every sparkd unit with LoadCredential=: NAME = SOURCE is shown to the daemons at
        /run/credentials/NAME (so settings say e.g. api_key_file = "/run/credentials/openai-api-key").
      '';
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open the TCP ports of the enabled daemons.";
    };

    database = {
      createLocally = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Create the database and role in services.postgresql (the host's one PostgreSQL) and point [database]
          at it; each daemon keeps its tables in its own schema, created and migrated by `sparkd migrate`
          (ExecStartPre=). The embedded PostgreSQL does not run on NixOS: without this, set
          settings.database.url yourself.
        '';
      };
      name = mkOption { type = types.str; default = "sparkd"; description = "Database name."; };
      user = mkOption { type = types.str; default = "sparkd"; description = "Role name."; };
      passwordFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/var/lib/secrets/sparkd-db-password";
        description = ''
          File with the role's password (outside the store). It becomes the credential sparkd-db-password and,
          with createLocally, is set on the role by sparkd-db-password.service.
        '';
      };
    };

    daemons = lib.genAttrs daemonNames (d: daemonOptions d);

    healthCheck = {
      enable = mkOption { type = types.bool; default = true; description = "Run `health-agent --once` on a timer."; };
      onCalendar = mkOption { type = types.str; default = "*:0/5"; description = "When (systemd OnCalendar=)."; };
    };

    modelReconcile = {
      enable = mkOption { type = types.bool; default = true; description = "Run `model-manager reconcile --once` on a timer."; };
      onCalendar = mkOption { type = types.str; default = "hourly"; description = "When (systemd OnCalendar=)."; };
    };

    notifyCommand = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "\${pkgs.ntfy-sh}/bin/ntfy publish home-lab";
      description = "Run with the failed unit's name (its log on stdin) when a timer's check fails (OnFailure=).";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [
        {
          assertion = !cfg.database.createLocally || cfg.database.passwordFile != null;
          message = "services.sparkd.database.passwordFile must be set with database.createLocally: the daemons log in to PostgreSQL over 127.0.0.1 with a password.";
        }
        {
          assertion = cfg.database.createLocally || (cfg.settings.database or { }) ? url;
          message = "services.sparkd: set settings.database.url (or database.createLocally): the embedded PostgreSQL does not run on NixOS.";
        }
        {
          assertion = builtins.all (n: !(builtins.isString (cfg.credentials.${n}) && lib.hasPrefix "/nix/store" cfg.credentials.${n})) (builtins.attrNames cfg.credentials);
          message = "services.sparkd.credentials must name files outside the Nix store (the store is world-readable).";
        }
      ];

      services.sparkd.settings = {
        suite.state_dir = mkDefault "/var/lib/sparkd";
        database = mkMerge [
          (mkIf cfg.database.createLocally {
            url = mkDefault "postgresql://${cfg.database.user}@127.0.0.1:${toString config.services.postgresql.settings.port}/${cfg.database.name}";
          })
          (mkIf (cfg.database.passwordFile != null) {
            password_file = mkDefault "/run/credentials/sparkd-db-password";
          })
        ];
      };

      environment.etc."sparkd/sparkd.toml".source = checkedConfigFile;

      users.users.sparkd = {
        isSystemUser = true;
        group = "sparkd";
        home = "/var/lib/sparkd";
        description = "sparkd daemons";
      };
      users.groups.sparkd = { };

      systemd.targets.sparkd = {
        description = "sparkd daemons";
        wantedBy = [ "multi-user.target" ];
      };

      systemd.services = lib.listToAttrs (map (d: lib.nameValuePair "sparkd-${d}" (daemonService d)) enabledDaemons);

      networking.firewall.allowedTCPPorts = lib.optionals cfg.openFirewall (map listenPort enabledDaemons);
    }

    (mkIf cfg.healthCheck.enable {
      systemd.services.sparkd-health-check = oneshotService "health-agent"
        "sparkd health check (health-agent --once)" "--once " "5min";
      systemd.timers.sparkd-health-check = {
        wantedBy = [ "timers.target" ];
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
        serviceConfig = {
          Type = "oneshot";
          DynamicUser = true;
          SupplementaryGroups = [ "systemd-journal" ];
          ProtectSystem = "strict";
          ProtectHome = true;
          PrivateTmp = true;
          NoNewPrivileges = true;
          CapabilityBoundingSet = "";
        };
      };
    })

    (mkIf cfg.database.createLocally {
      services.postgresql = {
        enable = true;
        ensureDatabases = [ cfg.database.name ];
        ensureUsers = [{ name = cfg.database.user; ensureDBOwnership = true; }];
      };
    })

    (mkIf (cfg.database.createLocally && cfg.database.passwordFile != null) {
      # Sets the role's password from the credential (psql quotes it: :'pw'), after postgresql has
      # created the role. Re-runs at every start, so a rotated password applies.
      systemd.services.sparkd-db-password = {
        description = "sparkd: set the PostgreSQL role's password";
        after = [ "postgresql.service" "postgresql-setup.service" ];
        requires = [ "postgresql.service" ];
        before = map (d: "sparkd-${d}.service") enabledDaemons;
        path = [ config.services.postgresql.package ];
        script = ''
          pw=$(cat "$CREDENTIALS_DIRECTORY/db-password")
          echo "ALTER ROLE \"${cfg.database.user}\" WITH LOGIN PASSWORD :'pw';" | psql -v ON_ERROR_STOP=1 -v pw="$pw" -d postgres
        '';
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          User = "postgres";
          LoadCredential = [ "db-password:${cfg.database.passwordFile}" ];
          PrivateTmp = true;
          ProtectSystem = "strict";
          ProtectHome = true;
          NoNewPrivileges = true;
        };
      };
    })
  ]);

  meta.maintainers = [ ];
}
