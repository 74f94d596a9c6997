package dev.weft.fiber.impl.arch;

import dev.weft.fiber.impl.core.FiberImpl;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages of {@code dev.weft.fiber.impl} form a graph without a cycle, and the fiber core
 * knows its schedulers and timer only through the {@code FiberScheduler} SPI. Read from the
 * compiled classes (every type name in a class file's constant pool: class references,
 * descriptors, generic signatures), so an import left unused does not count and a fully
 * qualified name does.
 */
class ImplPackagesHaveNoCycleTest {

    private static final String ROOT = "dev/weft/fiber/impl";

    @Test
    void thePackageGraphHasNoCycle() throws Exception {
        Map<String, Set<String>> graph = packageGraph();
        assertTrue(graph.size() >= 8, "expected the implementation's packages, found " + graph.keySet());
        List<List<String>> cycles = stronglyConnected(graph).stream().filter(c -> c.size() > 1).toList();
        assertEquals(List.of(), cycles, "packages that depend on each other; the graph: " + graph);
    }

    @Test
    void theCoreKnowsSchedulersAndTimersOnlyThroughTheSpi() throws Exception {
        Map<String, Set<String>> graph = packageGraph();
        Set<String> core = graph.get("core");
        for (String p : List.of("sched", "timer", "channel", "sync", "exec", "scope", "gen", "io", "sim")) {
            assertFalse(core.contains(p), "impl.core depends on impl." + p + ": " + core);
        }
        assertFalse(graph.get("sched").contains("core"), "impl.sched depends on the fiber core: " + graph.get("sched"));
        assertFalse(graph.get("timer").contains("core"), "impl.timer depends on the fiber core: " + graph.get("timer"));
    }

    @Test
    void theDeterministicSchedulerKnowsFibersOnlyThroughTheSpiAndItsView() throws Exception {
        Map<String, Set<String>> graph = packageGraph();
        Set<String> sim = graph.get("sim");
        assertTrue(sim != null, "impl.sim is missing from " + graph.keySet());
        // Like sched and timer: the core reaches it only through FiberScheduler, and what it needs
        // of a fiber beyond the SPI (its stack, for the deadlock dump) comes in through FiberView,
        // which the composition root implements.
        for (String p : List.of("core", "sched", "timer", "channel", "sync", "exec", "scope", "gen", "io")) {
            assertFalse(sim.contains(p), "impl.sim depends on impl." + p + ": " + sim);
        }
    }

    /**
     * Diagnostics sit above the core and the schedulers: they read the hooks and accessors those
     * publish ({@code FiberObserver}, {@code PoolObserver}), and only the provider, which installs
     * them, names {@code impl.diag}. So no feature package can come to depend on diagnostics.
     */
    @Test
    void onlyTheProviderNamesTheDiagnostics() throws Exception {
        Map<String, Set<String>> graph = packageGraph();
        assertTrue(graph.containsKey("diag"), "impl.diag exists: " + graph.keySet());
        for (Map.Entry<String, Set<String>> e : graph.entrySet()) {
            if (!e.getKey().isEmpty() && !e.getKey().equals("diag")) {
                assertFalse(e.getValue().contains("diag"), "impl." + e.getKey() + " depends on impl.diag: " + e.getValue());
            }
        }
        Set<String> diag = graph.get("diag");
        for (String p : List.of("channel", "sync", "exec", "scope", "gen", "io", "stackless")) {
            assertFalse(diag.contains(p), "impl.diag depends on the feature package impl." + p + ": " + diag);
        }
    }

    /** Package (relative to impl, "" for impl itself) to the impl packages its classes name. */
    private static Map<String, Set<String>> packageGraph() throws Exception {
        Path classes = Path.of(FiberImpl.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve(ROOT);
        Map<String, Set<String>> graph = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(classes)) {
            files = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        for (Path f : files) {
            String cls = classes.getParent().getParent().getParent().getParent().relativize(f).toString().replace('\\', '/');
            String from = packageOf(cls.substring(0, cls.length() - ".class".length()));
            Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
            for (String ref : referencedTypes(f)) {
                if (ref.startsWith(ROOT + "/")) {
                    String p = packageOf(ref);
                    if (!p.equals(from)) {
                        to.add(p);
                    }
                }
            }
        }
        return graph;
    }

    private static String packageOf(String internalName) {
        String pkg = internalName.substring(0, internalName.lastIndexOf('/'));
        return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1).replace('/', '.');
    }

    private static final Pattern TYPE = Pattern.compile(ROOT + "/(?:[a-z0-9_]+/)*[A-Za-z0-9_$]+");

    /** The internal names under impl that the constant pool's strings hold (class names, descriptors, signatures). */
    private static Set<String> referencedTypes(Path classFile) throws IOException {
        Set<String> refs = new TreeSet<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(classFile)))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file: " + classFile);
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> { // Utf8: the only entries that hold names
                        Matcher m = TYPE.matcher(in.readUTF());
                        while (m.find()) {
                            refs.add(m.group());
                        }
                    }
                    case 3, 4 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++; // a long or double takes two entries
                    }
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 15 -> in.skipNBytes(3);
                    default -> throw new IOException("unknown constant tag " + tag + " in " + classFile);
                }
            }
        }
        return refs;
    }

    /** Tarjan's strongly connected components. */
    private static List<List<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                visit(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void visit(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
                              Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                visit(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }
}
