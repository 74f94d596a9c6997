package dev.weft.fiber.impl.stackless;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A class loader that loads chosen classes itself, from its parent's class files, after running
 * them through the {@link SuspendableTransformer}; every other class is delegated to the parent.
 * For tests and for applications that prefer not to use the {@code -javaagent}.
 *
 * <pre>{@code
 * ClassLoader loader = TransformingClassLoader.forPackages(getClass().getClassLoader(), "com.example.gen");
 * Runnable app = (Runnable) loader.loadClass("com.example.gen.App").getDeclaredConstructor().newInstance();
 * }</pre>
 * Code outside the chosen packages sees the transformed classes only through types the parent
 * loads (interfaces such as {@code GeneratorBody}), as with any child-first loader.
 */
public final class TransformingClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Predicate<String> transformed;
    private final SuspendableTransformer transformer;

    /**
     * Creates a loader that transforms the classes {@code transformed} selects.
     *
     * @param parent      where class files are read from, and every other class is loaded
     * @param transformed which binary class names ({@code com.example.Foo$Bar}) this loader
     *                    loads and transforms
     */
    public TransformingClassLoader(ClassLoader parent, Predicate<String> transformed) {
        super("weft-stackless", Objects.requireNonNull(parent, "parent"));
        this.transformed = Objects.requireNonNull(transformed, "transformed");
        this.transformer = SuspendableTransformer.forClassLoader(parent);
    }

    /**
     * A loader that transforms the classes of the given packages and their sub-packages.
     *
     * @param parent   where class files are read from, and every other class is loaded
     * @param packages package names ({@code com.example}) whose classes are transformed
     * @return a new loader
     * @throws NullPointerException if {@code parent} or a package is null
     */
    public static TransformingClassLoader forPackages(ClassLoader parent, String... packages) {
        String[] prefixes = packages.clone();
        for (int i = 0; i < prefixes.length; i++) {
            prefixes[i] = Objects.requireNonNull(prefixes[i], "package") + ".";
        }
        return new TransformingClassLoader(parent, name -> {
            for (String p : prefixes) {
                if (name.startsWith(p)) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Loads {@code name}, transforming it first if chosen.
     *
     * @throws TransformRefusedException if the transformer refuses the class
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!transformed.test(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                byte[] original = ClassHierarchy.resourceBytes(getParent(), name.replace('.', '/'));
                if (original == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = transformer.transform(original);
                c = defineClass(name, bytes, 0, bytes.length);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }
}
