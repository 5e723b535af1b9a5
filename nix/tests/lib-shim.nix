# A small, project-written stand-in for the part of nixpkgs' lib that nix/module.nix uses, so CI (which has
# Nix 2.8 from Debian but no nixpkgs) can evaluate the module for real: option declarations with defaults,
# definitions from several modules, mkIf / mkMerge / mkDefault pushed down the way the module system does it,
# priorities, submodules with freeform types, attrsOf / listOf merging, type checks on leaves, and conflicts.
# It is not nixpkgs' implementation; nix/tests/eval.nix also runs against the real lib when one is given.
let
  inherit (builtins) isAttrs isList isString isBool isInt isFunction attrNames concatLists concatMap
    filter foldl' head all any elem mapAttrs listToAttrs length genList tail;

  isType = t: v: isAttrs v && (v._type or null) == t;
  isOption = isType "option";

  # --- helpers (a subset of lib, the same names and meanings) -----------------------------------------
  nameValuePair = name: value: { inherit name value; };
  mapAttrsToList = f: a: map (n: f n a.${n}) (attrNames a);
  filterAttrs = p: a: listToAttrs (concatMap (n: if p n a.${n} then [ (nameValuePair n a.${n}) ] else [ ]) (attrNames a));
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);
  optional = c: x: if c then [ x ] else [ ];
  optionals = c: l: if c then l else [ ];
  optionalAttrs = c: a: if c then a else { };
  optionalString = c: s: if c then s else "";
  concatStringsSep = builtins.concatStringsSep;
  concatMapStringsSep = sep: f: l: concatStringsSep sep (map f l);
  hasPrefix = p: s: builtins.substring 0 (builtins.stringLength p) s == p;
  escapeShellArg = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] (toString s) + "'";
  escapeShellArgs = l: concatStringsSep " " (map escapeShellArg l);
  uniqueNames = ls: attrNames (foldl' (acc: a: acc // mapAttrs (_: _: true) a) { } ls);
  # Names whose definitions do not all vanish under false mkIf's (lib's attrsOf drops those, too).
  presentNames = ds: filter (n: concatMap (discharge 100) (defsOf n ds) != [ ]) (uniqueNames ds);
  isDerivation = v: isAttrs v && (v.type or null) == "derivation";
  recursiveUpdate = a: b: a // mapAttrs (n: v: if a ? ${n} && isAttrs v && isAttrs a.${n} && !isDerivation v then recursiveUpdate a.${n} v else v) b;
  unique = foldl' (acc: x: if elem x acc then acc else acc ++ [ x ]) [ ];
  sort = builtins.sort;
  concatMapStrings = f: l: concatStringsSep "" (map f l);

  # --- properties -------------------------------------------------------------------------------------
  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkMerge = contents: { _type = "merge"; inherit contents; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkDefault = mkOverride 1000;
  mkForce = mkOverride 50;
  mkOption = attrs: attrs // { _type = "option"; };
  mkEnableOption = name: mkOption { type = types.bool; default = false; description = "Whether to enable ${name}."; };
  literalExpression = text: { _type = "literalExpression"; inherit text; };

  # Distributes mkIf/mkMerge/mkOverride over the attributes of an attribute-set definition (without forcing
  # any condition), as the module system's pushDownProperties does: lets `config = mkIf cfg.enable {…}` refer to
  # config without infinite recursion.
  pushDown = d:
    if isType "merge" d then concatMap pushDown d.contents
    else if isType "if" d then map (a: mapAttrs (_: mkIf d.condition) a) (pushDown d.content)
    else if isType "override" d then map (a: mapAttrs (_: mkOverride d.priority) a) (pushDown d.content)
    else if isAttrs d && !isDerivation d then [ d ]
    else throw "lib-shim: a definition here must be an attribute set, got ${builtins.typeOf d}";

  # A definition at a leaf → list of { prio; value; } (conditions evaluated here).
  discharge = prio: d:
    if isType "merge" d then concatMap (discharge prio) d.contents
    else if isType "if" d then (if d.condition then discharge prio d.content else [ ])
    else if isType "override" d then discharge d.priority d.content
    else [{ inherit prio; value = d; }];

  # Keeps the definitions with the highest priority (lowest number).
  highest = defs:
    let best = foldl' (m: d: if d.prio < m then d.prio else m) 9999 defs;
    in map (d: d.value) (filter (d: d.prio == best) defs);

  # Definitions of attribute `n` in a list of attribute-set definitions.
  defsOf = n: ds: concatMap (d: if d ? ${n} then [ d.${n} ] else [ ]) ds;

  # --- types ------------------------------------------------------------------------------------------
  mkLeaf = name: check: {
    inherit name check;
    merge = loc: vs:
      let v = head vs; in
      if !(all check vs) then throw "lib-shim: ${loc}: a value is not of type ${name}: ${builtins.toJSON (filter (x: !check x) vs)}"
      else if !(all (x: x == v) vs) then throw "lib-shim: ${loc}: conflicting definitions: ${builtins.toJSON vs}"
      else v;
  };

  # anything: attribute sets merged key by key (recursively), lists concatenated, leaves must agree.
  mergeAny = loc: defs:
    let vs = highest (concatMap (discharge 100) defs); in
    if vs == [ ] then throw "lib-shim: ${loc}: no definition left"
    else if all (v: isAttrs v && !isDerivation v) vs then
      let ds = concatMap pushDown vs; in
      genAttrs (presentNames ds) (n: mergeAny "${loc}.${n}" (defsOf n ds))
    else if all isList vs then concatLists vs
    else (mkLeaf "anything" (_: true)).merge loc vs;

  types = rec {
    bool = mkLeaf "bool" isBool;
    str = mkLeaf "str" isString;
    lines = mkLeaf "lines" isString;
    int = mkLeaf "int" isInt;
    port = mkLeaf "port" (v: isInt v && v >= 0 && v <= 65535);
    path = mkLeaf "path" (v: isString v || builtins.isPath v);
    package = mkLeaf "package" isDerivation;
    unspecified = mkLeaf "unspecified" (_: true);
    enum = values: mkLeaf "one of ${builtins.toJSON values}" (v: elem v values);
    anything = { name = "anything"; check = _: true; mergeDefs = mergeAny; };
    nullOr = t: {
      name = "null or ${t.name}";
      check = v: v == null || t.check v;
      mergeDefs = loc: defs:
        let vs = highest (concatMap (discharge 100) defs); in
        if all (v: v == null) vs then null
        else if any (v: v == null) vs then throw "lib-shim: ${loc}: null conflicts with a value"
        else mergeValue t loc vs;
    };
    listOf = t: {
      name = "list of ${t.name}";
      check = isList;
      mergeDefs = loc: defs:
        let vs = highest (concatMap (discharge 100) defs); in
        if !(all isList vs) then throw "lib-shim: ${loc}: not a list: ${builtins.toJSON vs}"
        else genList (i: mergeValue t "${loc}.[${toString i}]" [ (builtins.elemAt (concatLists vs) i) ]) (length (concatLists vs));
    };
    attrsOf = t: {
      name = "attribute set of ${t.name}";
      check = isAttrs;
      mergeDefs = loc: defs:
        let ds = concatMap pushDown (highest (concatMap (discharge 100) defs)); in
        genAttrs (presentNames ds) (n: mergeValueWithName t "${loc}.${n}" n (defsOf n ds));
    };
    # either: the first type that accepts every definition (as lib's `either` does).
    either = a: b: {
      name = "${a.name} or ${b.name}";
      check = v: a.check v || b.check v;
      mergeDefs = loc: defs:
        let vs = highest (concatMap (discharge 100) defs); in
        if all a.check vs then mergeValue a loc vs
        else if all b.check vs then mergeValue b loc vs
        else throw "lib-shim: ${loc}: not ${a.name} or ${b.name}: ${builtins.toJSON vs}";
    };
    oneOf = ts: foldl' either (head ts) (tail ts);
    submodule = m: submoduleWith m;
  };

  # A submodule: its own options (m may be a function of { name, config, lib, … }) plus a freeform type for
  # undeclared attributes; undeclared attributes without a freeform type are errors.
  submoduleWith = m: {
    name = "submodule";
    check = v: isAttrs v && !isDerivation v;
    mergeDefs = loc: defs: evalSub m loc "<name>" defs;
    mergeDefsNamed = loc: name: defs: evalSub m loc name defs;
  };
  evalSub = m: loc: name: defs:
    let
      self = evalSub m loc name defs;
      r = if isFunction m then m { inherit name lib; config = self; } else m;
      opts = r.options or { };
      ds = concatMap pushDown (highest (concatMap (discharge 100) defs));
      declared = evalOptions loc opts ds;
      undeclared = filter (n: !(opts ? ${n})) (uniqueNames ds);
    in
    if undeclared != [ ] && !(r ? freeformType) then
      throw "lib-shim: ${loc}: no such option(s): ${concatStringsSep ", " undeclared}"
    else if undeclared == [ ] then declared
    else declared // mergeValue r.freeformType loc (map (d: removeAttrs d (attrNames opts)) ds);

  mergeValue = t: loc: defs:
    if t ? mergeDefs then t.mergeDefs loc defs
    else t.merge loc (highest (concatMap (discharge 100) defs));
  mergeValueWithName = t: loc: name: defs:
    if t ? mergeDefsNamed then t.mergeDefsNamed loc name defs else mergeValue t loc defs;

  # --- options and modules ----------------------------------------------------------------------------
  # Evaluates an option tree against attribute-set definitions (already pushed down).
  evalOptions = loc: opts: ds:
    mapAttrs
      (n: o:
        let
          l = if loc == "" then n else "${loc}.${n}";
        in
        if isOption o then evalOption l o (defsOf n ds)
        else evalOptions l o (concatMap pushDown (defsOf n ds)))
      opts;

  evalOption = loc: o: defs:
    let
      given = concatMap (discharge 100) defs;
      withDefault = given ++ optional (o ? default) { prio = 1500; value = o.default; };
      t = o.type or types.unspecified;
      value =
        if withDefault == [ ] then throw "lib-shim: option ${loc} is used but not defined"
        else mergeValue t loc (map (d: mkOverride d.prio d.value) withDefault);
    in
    if o ? apply then o.apply value else value;

  # Checks that every defined path exists among the declared options (typos fail like in NixOS).
  checkDefined = loc: opts: ds:
    let
      names = uniqueNames ds;
      bad = filter (n: !(opts ? ${n})) names;
      sub = concatMap (n: if opts ? ${n} && !(isOption opts.${n}) then checkDefined "${loc}${n}." opts.${n} (concatMap pushDown (defsOf n ds)) else [ ]) names;
    in
    map (n: "${loc}${n}") bad ++ sub;

  mergeOptionTrees = a: b:
    a // mapAttrs (n: v: if a ? ${n} && !(isOption v) && !(isOption a.${n}) then mergeOptionTrees a.${n} v else v) b;

  evalModules = { modules, specialArgs ? { } }:
    let
      load = m: if isString m || builtins.isPath m then import m else m;
      collect = ms: concatMap (m: let l = load m; r = if isFunction l then l args else l; in [ r ] ++ collect (r.imports or [ ])) ms;
      args = specialArgs // { inherit lib config options; };
      evaluated = collect modules;
      options = foldl' mergeOptionTrees { } (map (r: r.options or { }) evaluated);
      definitions = concatMap pushDown (map (r: if r ? config then r.config else removeAttrs r [ "imports" "options" "meta" ]) evaluated);
      config = evalOptions "" options definitions;
      undefined = checkDefined "" options definitions;
    in
    {
      config = if undefined != [ ] then throw "lib-shim: no such option(s): ${concatStringsSep ", " undefined}" else config;
      inherit options;
    };

  lib = {
    inherit mkIf mkMerge mkOverride mkDefault mkForce mkOption mkEnableOption literalExpression types evalModules
      nameValuePair mapAttrsToList filterAttrs genAttrs optional optionals optionalAttrs optionalString
      concatStringsSep concatMapStringsSep hasPrefix escapeShellArg escapeShellArgs isDerivation
      recursiveUpdate unique sort concatMapStrings;
    listToAttrs = builtins.listToAttrs;
    attrNames = builtins.attrNames;
    mapAttrs = builtins.mapAttrs;
    fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  };
in
lib
