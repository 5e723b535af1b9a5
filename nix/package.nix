# sparkd built from this repository with Maven (nixpkgs' maven.buildMavenPackage): the four Quarkus
# fast-jar directories (share/sparkd/<daemon>/, installed whole), the command-line tools' jars, the simulator,
# and wrappers:
#   bin/sparkd-<daemon>      java -jar …/quarkus-run.jar (pass --config FILE)
#   bin/sparkd-check FILE    exit 0 valid, 2 invalid (used by the module at build time; also --listen/--credentials)
#   bin/sparkd-migrate --config FILE DAEMON…   each daemon's schema and migrations (the units' ExecStartPre=)
#   bin/sparkd-doctor --config FILE            what is wrong with an installation, with the fix for each problem
#   bin/sparkd-wait-ready    the units' readiness wait (systemd/bin/)
#   bin/sparkd-simulator --config FILE         simulated Sparks (the VM test; examples/sim-two-sparks.toml)
#
# Sources: only the files git tracks (no target/, .state/, node_modules/ or test keys in the store).
# Dependencies: one fixed-output hash per system in nix/deps-hashes.json (a dependency ships a native jar per
# CPU, so x86_64 and aarch64 differ). After a pom.xml change, refresh the current system's with one command:
#   nix/update-deps-hash.sh
{ lib, stdenv, maven, jdk17_headless, jre_headless, makeWrapper, bash, mvnHash ? null }:

let
  system = stdenv.hostPlatform.system;
  hashes = lib.importJSON ./deps-hashes.json;
in
maven.buildMavenPackage {
  pname = "sparkd";
  version = "0.1.0";

  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.gitTracked ../.;
  };

  mvnJdk = jdk17_headless;
  mvnHash = if mvnHash != null then mvnHash else hashes.${system} or (throw ''
    sparkd: no Maven dependency hash for ${system} in nix/deps-hashes.json.
    Compute it on a ${system} machine with Nix and nixpkgs: nix/update-deps-hash.sh'');
  # Tests start embedded PostgreSQL binaries and real sshd/node fixtures, which do not run in the Nix sandbox;
  # CI runs them (./mvnw -B verify).
  mvnParameters = "-DskipTests";

  nativeBuildInputs = [ makeWrapper ];
  buildInputs = [ bash ];

  installPhase = ''
    runHook preInstall
    for d in router health-agent model-manager mcp-gateway; do
      mkdir -p "$out/share/sparkd/$d"
      cp -r "$d/target/quarkus-app/." "$out/share/sparkd/$d/"
      makeWrapper ${jre_headless}/bin/java "$out/bin/sparkd-$d" \
        --set-default MALLOC_ARENA_MAX 2 \
        --add-flags "-jar $out/share/sparkd/$d/quarkus-run.jar"
    done
    mkdir -p "$out/share/sparkd/cli" "$out/share/sparkd/simulator" "$out/share/sparkd/examples"
    cp -r cli/target/lib "$out/share/sparkd/cli/lib"
    mkdir -p "$out/share/sparkd/doctor"
    cp -r doctor/target/doctor.jar doctor/target/lib "$out/share/sparkd/doctor/"
    cp simulator/target/simulator.jar "$out/share/sparkd/simulator/"
    cp -r simulator/target/lib "$out/share/sparkd/simulator/lib"
    cp examples/*.toml "$out/share/sparkd/examples/"
    makeWrapper ${jre_headless}/bin/java "$out/bin/sparkd-check" \
      --add-flags "@${../jvm/tool.options} -cp '$out/share/sparkd/cli/lib/*' dev.sparkd.core.config.CheckCommand"
    makeWrapper ${jre_headless}/bin/java "$out/bin/sparkd-migrate" \
      --add-flags "@${../jvm/tool.options} -cp '$out/share/sparkd/cli/lib/*' dev.sparkd.migrate.MigrateCommand"
    makeWrapper ${jre_headless}/bin/java "$out/bin/sparkd-doctor" \
      --add-flags "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '$out/share/sparkd/doctor/doctor.jar:$out/share/sparkd/doctor/lib/*' dev.sparkd.doctor.DoctorCommand"
    makeWrapper ${jre_headless}/bin/java "$out/bin/sparkd-simulator" \
      --add-flags "-Xmx128m -XX:+UseSerialGC -cp '$out/share/sparkd/simulator/simulator.jar:$out/share/sparkd/simulator/lib/*' dev.sparkd.simulator.SimulatorMain"
    install -Dm755 systemd/bin/sparkd-wait-ready "$out/bin/sparkd-wait-ready"
    install -Dm755 systemd/bin/sparkd-notify "$out/bin/sparkd-notify"
    install -Dm755 systemd/bin/sparkd-telemetry-only "$out/bin/sparkd-telemetry-only"
    patchShebangs "$out/bin"
    runHook postInstall
  '';

  meta = {
    description = "Daemons for a home/office cluster of NVIDIA DGX Sparks: health, models, router, MCP gateway";
    mainProgram = "sparkd-check";
    platforms = [ "x86_64-linux" "aarch64-linux" ];
  };
}
