// Prints a TOML file as JSON, parsed by tomlj (the parser the daemons use):
//   java -cp "cli/target/lib/*" nix/tests/TomlToJson.java FILE
import java.nio.file.Path;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

public class TomlToJson {
    public static void main(String[] args) throws Exception {
        TomlParseResult r = Toml.parse(Path.of(args[0]));
        if (r.hasErrors()) {
            r.errors().forEach(e -> System.err.println(args[0] + ": " + e));
            System.exit(2);
        }
        System.out.println(r.toJson());
    }
}
