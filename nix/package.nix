# sparkd built from this repository with Maven (nixpkgs' maven.buildMavenPackage): the four Quarkus
# fast-jar directories (share/sparkd/<daemon>/, installed whole), the config checker's jars, and wrappers:
#   bin/sparkd-<daemon>      java -jar …/quarkus-run.jar (pass --config FILE)
#   bin/sparkd-check FILE    exit 0 valid, 2 invalid (used by the module at build time)
#   bin/sparkd-migrate --config FILE DAEMON…   each daemon's schema and migrations (the units' ExecStartPre=)
#   bin/sparkd-wait-ready    the units' readiness wait (systemd/bin/)
{ lib, maven, jdk17_headless, jre_headless, makeWrapper, bash }:

maven.buildMavenPackage {
  pname = "sparkd";
  version = "0.1.0";

  src = lib.cleanSource ../.;

  mvnJdk = jdk17_headless;
  # Fixed-output hash of the Maven dependencies: after changing a pom.xml, build once with lib.fakeHash
  # and copy the hash Nix reports.
  mvnHash = lib.fakeHash;
  # Tests start embedded PostgreSQL binaries from Maven Central, which do not run in the Nix sandbox;
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
    mkdir -p "$out/share/sparkd/cli"
    cp -r cli/target/lib "$out/share/sparkd/cli/lib"
    makeWrapper ${jre_headless}/bin/java "$out/bin/sparkd-check" \
      --add-flags "-cp '$out/share/sparkd/cli/lib/*' dev.sparkd.core.config.CheckCommand"
    makeWrapper ${jre_headless}/bin/java "$out/bin/sparkd-migrate" \
      --add-flags "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '$out/share/sparkd/cli/lib/*' dev.sparkd.migrate.MigrateCommand"
    install -Dm755 systemd/bin/sparkd-wait-ready "$out/bin/sparkd-wait-ready"
    install -Dm755 systemd/bin/sparkd-notify "$out/bin/sparkd-notify"
    patchShebangs "$out/bin"
    runHook postInstall
  '';

  meta = {
    description = "Daemons for a home/office cluster of NVIDIA DGX Sparks: health, models, router, MCP gateway";
    mainProgram = "sparkd-check";
    platforms = lib.platforms.linux;
  };
}
