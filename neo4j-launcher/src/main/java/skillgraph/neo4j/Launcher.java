package skillgraph.neo4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.ExecutionPlanDescription;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.api.net.NetworkConnectionTracker;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.NullLogProvider;

/**
 * Neo4j Community with Bolt on loopback, for skillgraph's tests, scripts/dev and benchmarks.
 *
 * <p>One "main" database service (Bolt on --bolt-port, store in ROOT/main) plus, on demand, one
 * database service per test: Community has a single user database per server and no CREATE
 * DATABASE, so a test that wants an empty database of its own gets a server of its own (own
 * folder, own Bolt port) in this JVM. A small HTTP admin API on loopback (--admin-port) hands them
 * out, takes them back, and shows the plans Neo4j gives a statement:
 *
 * <pre>
 *   POST   /databases          -> {"name": "t...", "uri": "127.0.0.1:PORT"}  (started ahead)
 *   POST   /databases?pagecache=1g   the same, started now with that page cache (benchmarks)
 *   DELETE /databases/NAME     -> 204 (emptied, to be handed out again)
 *   POST   /plan  {"database", "statement", "params", "profile"} -> {"plan": {...}, "text": "..."}
 * </pre>
 *
 * A test database nobody has been connected to for a while is emptied (data, indexes,
 * constraints, cached plans) and handed out again, so a suite of a few hundred tests holds only
 * about as many database services as run at once. (They are recycled rather than shut down:
 * shutting down one of several embedded Bolt servers in a JVM was seen to hang in Netty.)
 */
public final class Launcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = "127.0.0.1";
  /** A test database with no Bolt connection for this long is emptied and handed out again. */
  private static final Duration IDLE = Duration.ofSeconds(
      Long.getLong("skillgraph.neo4j.idleSeconds", 30));

  private final Path root;
  private final String password;
  private final String testPagecache;
  private final Map<String, Instance> tests = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Instance> ready = new LinkedBlockingQueue<>();
  private final int spares;
  private Instance main;

  /** One database management service: its one user database, served on its own Bolt port. */
  static final class Instance {
    final String name;
    final int port;
    final DatabaseManagementService dbms;
    final GraphDatabaseService db;
    volatile long lastConnected = System.nanoTime();

    Instance(String name, int port, DatabaseManagementService dbms) {
      this.name = name;
      this.port = port;
      this.dbms = dbms;
      this.db = dbms.database(name);
    }

    String uri() {
      return HOST + ":" + port;
    }

    int connections() {
      return ((GraphDatabaseAPI) db)
          .getDependencyResolver()
          .resolveDependency(NetworkConnectionTracker.class)
          .activeConnections()
          .size();
    }
  }

  Launcher(Path root, String password, String testPagecache, int spares) {
    this.root = root;
    this.password = password;
    this.testPagecache = testPagecache;
    this.spares = spares;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path root = Path.of(opts.getOrDefault("root", "neo4j-data")).toAbsolutePath();
    String password = opts.getOrDefault("password", "skillgraph-test");
    int boltPort = Integer.parseInt(opts.getOrDefault("bolt-port", "7687"));
    int adminPort = Integer.parseInt(opts.getOrDefault("admin-port", "7475"));
    String database = opts.getOrDefault("database", "neo4j");
    String pagecache = opts.getOrDefault("pagecache", "512m");
    Launcher launcher = new Launcher(root, password, opts.getOrDefault("test-pagecache", "16m"),
        Integer.parseInt(opts.getOrDefault("spares", "2")));
    launcher.start(database, boltPort, pagecache, adminPort);
  }

  void start(String database, int boltPort, String pagecache, int adminPort) throws IOException {
    // Test stores of an earlier run are dropped: nothing refers to them any more.
    deleteTree(root.resolve("tests"));
    main = open(database, root.resolve("main"), boltPort, pagecache);
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll));

    HttpServer http = HttpServer.create(new InetSocketAddress(HOST, adminPort), 64);
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext("/databases", ex -> respond(ex, this::databases));
    http.createContext("/plan", ex -> respond(ex, this::plan));
    http.start();

    // Separate threads: emptying a large test store must not hold up starting a spare.
    ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor();
    starter.scheduleWithFixedDelay(this::refill, 0, 200, TimeUnit.MILLISECONDS);
    ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor();
    janitor.scheduleWithFixedDelay(this::recycleIdle, 5, 5, TimeUnit.SECONDS);
    System.out.printf("neo4j ready: bolt %s (database %s), admin http://%s:%d%n",
        main.uri(), database, HOST, adminPort);
  }

  /** Starts a database management service named `name` in `home`, Bolt on `port` (0: any). */
  Instance open(String name, Path home, int port, String pagecache) throws IOException {
    for (int attempt = 0; ; attempt++) {
      int bolt = port != 0 ? port : freePort();
      try {
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
            .loadPropertiesFromFile(confFile())
            .setConfig(GraphDatabaseSettings.initial_default_database, name)
            .setConfig(GraphDatabaseSettings.pagecache_memory, bytes(pagecache))
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, bolt))
            .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, bolt))
            .setUserLogProvider(NullLogProvider.getInstance())
            .build();
        setPassword(dbms);
        return new Instance(name, bolt, dbms);
      } catch (RuntimeException e) {
        // A port taken between freePort() and the bind: try another one.
        if (port != 0 || attempt >= 5) {
          throw e;
        }
        deleteTree(home);
      }
    }
  }

  private Path confFile() {
    return Path.of(System.getProperty("skillgraph.neo4j.conf", "neo4j.conf")).toAbsolutePath();
  }

  /** Authentication is on (neo4j.conf); the built-in user gets the test password. */
  private void setPassword(DatabaseManagementService dbms) {
    GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
    boolean initial = system.executeTransactionally(
        "SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' "
            + "RETURN passwordChangeRequired",
        Map.of(), r -> r.hasNext() && (Boolean) r.next().get("passwordChangeRequired"));
    if (initial) {
      system.executeTransactionally(
          "ALTER USER neo4j SET PLAINTEXT PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
    }
  }

  private Object databases(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    switch (ex.getRequestMethod()) {
      case "POST": {
        String query = ex.getRequestURI().getQuery();
        Instance instance;
        if (query != null && query.startsWith("pagecache=")) {
          String name = newName();
          instance = open(name, root.resolve("tests").resolve(name), 0,
              query.substring("pagecache=".length()));
        } else {
          try {
            instance = ready.poll(120, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        if (instance == null) {
          throw new IOException("no test database started within 120 s");
        }
        instance.lastConnected = System.nanoTime();
        tests.put(instance.name, instance);
        return Map.of("name", instance.name, "uri", instance.uri());
      }
      case "DELETE": {
        String name = path.substring("/databases/".length());
        Instance instance = tests.remove(name);
        if (instance != null) {
          recycle(instance);
        }
        return null;
      }
      default:
        throw new IllegalArgumentException("POST or DELETE");
    }
  }

  /** The plan of `statement` (EXPLAIN, or PROFILE with db hits and rows), never committed. */
  @SuppressWarnings("unchecked")
  private Object plan(HttpExchange ex) throws IOException {
    Map<String, Object> body = JSON.readValue(ex.getRequestBody(), Map.class);
    String database = (String) body.get("database");
    Instance instance = database == null || database.equals(main.name) ? main : tests.get(database);
    if (instance == null) {
      throw new IllegalArgumentException("unknown database " + database);
    }
    boolean profile = Boolean.TRUE.equals(body.get("profile"));
    Map<String, Object> params = (Map<String, Object>) body.getOrDefault("params", Map.of());
    try (Transaction tx = instance.db.beginTx()) {
      Result result = tx.execute((profile ? "PROFILE " : "EXPLAIN ") + body.get("statement"), params);
      result.accept(row -> true);
      ExecutionPlanDescription plan = result.getExecutionPlanDescription();
      tx.rollback();
      return Map.of("plan", describe(plan), "text", plan.toString());
    }
  }

  private static Map<String, Object> describe(ExecutionPlanDescription plan) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("operator", plan.getName());
    Map<String, String> args = new LinkedHashMap<>();
    plan.getArguments().forEach((k, v) -> args.put(k, String.valueOf(v)));
    out.put("arguments", args);
    out.put("identifiers", new ArrayList<>(plan.getIdentifiers()));
    if (plan.hasProfilerStatistics()) {
      ExecutionPlanDescription.ProfilerStatistics stats = plan.getProfilerStatistics();
      out.put("dbHits", stats.hasDbHits() ? stats.getDbHits() : 0);
      out.put("rows", stats.hasRows() ? stats.getRows() : 0);
    }
    List<Object> children = new ArrayList<>();
    for (ExecutionPlanDescription child : plan.getChildren()) {
      children.add(describe(child));
    }
    out.put("children", children);
    return out;
  }

  /** Keeps `spares` test databases started ahead, so a test does not wait for one. */
  private void refill() {
    try {
      while (ready.size() < spares) {
        String name = newName();
        long started = System.nanoTime();
        Instance instance = open(name, root.resolve("tests").resolve(name), 0, testPagecache);
        ready.add(instance);
        System.out.printf("started %s on %s in %d ms%n", name, instance.uri(),
            (System.nanoTime() - started) / 1_000_000);
      }
    } catch (Throwable e) {
      e.printStackTrace();
    }
  }

  private static String newName() {
    return "t" + UUID.randomUUID().toString().replace("-", "");
  }

  private void recycleIdle() {
    long now = System.nanoTime();
    for (Instance instance : List.copyOf(tests.values())) {
      try {
        if (instance.connections() > 0) {
          instance.lastConnected = now;
        } else if (now - instance.lastConnected > IDLE.toNanos()) {
          tests.remove(instance.name);
          recycle(instance);
        }
      } catch (Throwable e) {
        e.printStackTrace();
      }
    }
  }

  /** Empties a test database (data, indexes, constraints, cached plans) and readies it again. */
  private void recycle(Instance instance) {
    long started = System.nanoTime();
    GraphDatabaseService db = instance.db;
    while (db.executeTransactionally(
        "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS c", Map.of(),
        r -> ((Number) r.next().get("c")).longValue()) > 0) {
      // the next batch
    }
    drop(db, "CONSTRAINT", "SHOW CONSTRAINTS YIELD name RETURN name");
    drop(db, "INDEX", "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name");
    db.executeTransactionally("CALL db.clearQueryCaches()");
    instance.lastConnected = System.nanoTime();
    ready.add(instance);
    System.out.printf("recycled %s in %d ms%n", instance.name,
        (System.nanoTime() - started) / 1_000_000);
  }

  private static void drop(GraphDatabaseService db, String kind, String show) {
    List<String> names = db.executeTransactionally(show, Map.of(),
        r -> r.stream().map(m -> (String) m.get("name")).toList());
    for (String name : names) {
      db.executeTransactionally("DROP " + kind + " `" + name + "` IF EXISTS");
    }
  }

  /** On exit: every database service shut down, the test stores deleted; bounded in time. */
  private void stopAll() {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(20_000);
        Runtime.getRuntime().halt(0);
      } catch (InterruptedException e) {
        // shut down in time
      }
    });
    watchdog.setDaemon(true);
    watchdog.start();
    List<Instance> all = new ArrayList<>(tests.values());
    ready.drainTo(all);
    for (Instance instance : all) {
      instance.dbms.shutdown();
    }
    deleteTree(root.resolve("tests"));
    if (main != null) {
      main.dbms.shutdown();
    }
  }

  private void respond(HttpExchange ex, Handler handler) throws IOException {
    int status = 200;
    byte[] out;
    try {
      if (!authorized(ex)) {
        status = 401;
        out = JSON.writeValueAsBytes(Map.of("error", "basic auth with the database password"));
      } else {
        Object answer = handler.handle(ex);
        out = answer == null ? new byte[0] : JSON.writeValueAsBytes(answer);
        status = answer == null ? 204 : 200;
      }
    } catch (Exception e) {
      status = e instanceof IllegalArgumentException ? 400 : 500;
      out = JSON.writeValueAsBytes(Map.of("error", String.valueOf(e)));
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
    try (OutputStream body = ex.getResponseBody()) {
      body.write(out);
    }
  }

  /** Any user name, the database's password: the same credentials the tests use over Bolt. */
  private boolean authorized(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Basic ")) {
      return false;
    }
    String decoded = new String(Base64.getDecoder().decode(header.substring(6)),
        StandardCharsets.UTF_8);
    return decoded.endsWith(":" + password);
  }

  interface Handler {
    Object handle(HttpExchange ex) throws IOException;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private static long bytes(String size) {
    String s = size.trim().toLowerCase();
    long unit = s.endsWith("g") ? 1L << 30 : s.endsWith("m") ? 1L << 20 : s.endsWith("k") ? 1L << 10 : 1;
    return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      e.printStackTrace();
    }
  }
}
