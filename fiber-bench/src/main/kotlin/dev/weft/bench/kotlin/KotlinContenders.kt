package dev.weft.bench.kotlin

import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.yield
import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.resume

/**
 * The Kotlin coroutine contender of every benchmark, called from Java. Each function does the
 * same work as the Java contenders beside it, written the way a Kotlin user would write it
 * (kotlinx.coroutines, `Dispatchers.Default` unless a single-threaded event loop is the point).
 */
object KotlinContenders {

    /**
     * Runs [n] `yield()` calls inside one coroutine, either on `runBlocking`'s single-threaded
     * event loop ([onDefault] false) or on `Dispatchers.Default` (true). Returns [n].
     */
    @JvmStatic
    fun yieldBatch(n: Int, onDefault: Boolean): Int {
        require(n > 0) { "n must be positive: $n" }
        return if (onDefault) {
            runBlocking(Dispatchers.Default) { yieldTimes(n) }
        } else {
            runBlocking { yieldTimes(n) }
        }
    }

    private suspend fun yieldTimes(n: Int): Int {
        var done = 0
        while (done < n) {
            yield()
            done++
        }
        return done
    }

    /**
     * Spawns and joins [n] empty coroutines one after another from inside a coroutine on
     * `Dispatchers.Default`. Returns the number joined.
     */
    @JvmStatic
    fun spawnJoinBatch(n: Int): Int {
        require(n > 0) { "n must be positive: $n" }
        return runBlocking(Dispatchers.Default) {
            var joined = 0
            repeat(n) {
                launch { }.join()
                joined++
            }
            joined
        }
    }

    /**
     * Skynet on `Dispatchers.Default`: a tree in which each node spawns [fanOut] children with
     * `async` until [leaves] leaves, each leaf returns its index, each node the sum of its children.
     */
    @JvmStatic
    fun skynet(leaves: Int, fanOut: Int): Long {
        require(leaves > 0 && fanOut > 1) { "leaves must be positive and fanOut at least 2: $leaves, $fanOut" }
        return runBlocking(Dispatchers.Default) { skynetNode(0L, leaves.toLong(), fanOut) }
    }

    private suspend fun skynetNode(first: Long, size: Long, fanOut: Int): Long {
        if (size == 1L) {
            return first
        }
        val childSize = size / fanOut
        return coroutineScope {
            (0 until fanOut).map { i -> async { skynetNode(first + i * childSize, childSize, fanOut) } }
                .awaitAll()
                .sum()
        }
    }

    /**
     * Submits an empty block to `Dispatchers.Default` from a thread outside it and waits for it:
     * the idle-wake path (a parked worker must be woken). Returns 1.
     */
    @JvmStatic
    fun submitAndWait(): Int = runBlocking(Dispatchers.Default) { 1 }
}

/**
 * A ring of [size] coroutines on `Dispatchers.Default` passing one token through channels of
 * capacity 1. Built once; [pass] sends the token around for a number of hops and waits until
 * the last hop. Only one thread may call [pass] at a time; [close] cancels the ring.
 */
class KotlinRing(private val size: Int) : AutoCloseable {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private val mailboxes = Array(size) { Channel<Int>(1) }

    @Volatile
    private var finished: CountDownLatch? = null

    init {
        require(size > 1) { "a ring needs at least 2 members: $size" }
        for (i in 0 until size) {
            val inbox = mailboxes[i]
            val next = mailboxes[(i + 1) % size]
            scope.launch {
                for (remaining in inbox) {
                    if (remaining == 0) {
                        finished!!.countDown()
                    } else {
                        next.send(remaining - 1)
                    }
                }
            }
        }
    }

    /** Passes the token [hops] times around the ring and returns when the last hop is done. */
    fun pass(hops: Int): Int {
        require(hops > 0) { "hops must be positive: $hops" }
        val latch = CountDownLatch(1)
        finished = latch
        check(mailboxes[0].trySend(hops).isSuccess) { "the ring still holds a token" }
        latch.await()
        return hops
    }

    override fun close() {
        scope.cancel()
    }
}

/**
 * Up to [capacity] coroutines on `Dispatchers.Default`, each suspended [depth] suspend-function
 * frames deep, for the memory probes. The handle arrays are allocated up front, so a
 * measurement taken around [startBatch] charges only the coroutines themselves (the Java
 * contenders likewise reserve their handle lists first). [awaitSuspended] returns once all
 * started coroutines are suspended; [release] resumes them and waits until they have finished.
 * Driven by one thread; lives as long as the probe's JVM.
 */
class SuspendedCoroutines(private val capacity: Int, private val depth: Int) {
    private val waiting = arrayOfNulls<CancellableContinuation<Unit>>(capacity)
    private val jobs = arrayOfNulls<Job>(capacity)
    private val suspendedCount = AtomicInteger()
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private var started = 0

    /** Sum of the depths reached, written as coroutines finish, so the frames cannot be optimised away. */
    @Volatile
    var sink: Long = 0
        private set

    init {
        require(capacity > 0 && depth > 0) { "capacity and depth must be positive: $capacity, $depth" }
    }

    /** How many more coroutines [startBatch] can start. */
    fun room(): Int = capacity - started

    /** Launches [count] more coroutines; each suspends at [depth]. */
    fun startBatch(count: Int) {
        require(count in 1..room()) { "cannot start $count coroutines, room for ${room()}" }
        for (i in started until started + count) {
            jobs[i] = scope.launch {
                val d = descend(i, depth)
                synchronized(this@SuspendedCoroutines) { sink += d }
            }
        }
        started += count
    }

    // Not a tail call: the addition after the recursive call keeps every frame's state object alive.
    private suspend fun descend(index: Int, remaining: Int): Int {
        if (remaining == 1) {
            suspendCancellableCoroutine { cont ->
                waiting[index] = cont
                suspendedCount.incrementAndGet()
            }
            return 1
        }
        return descend(index, remaining - 1) + 1
    }

    /** Blocks until every started coroutine has suspended. */
    fun awaitSuspended() {
        while (suspendedCount.get() < started) {
            Thread.sleep(1)
        }
    }

    /** Resumes every started coroutine and waits until all have finished; then empty again. */
    fun release() {
        for (i in 0 until started) {
            waiting[i]!!.resume(Unit)
            waiting[i] = null
        }
        runBlocking {
            for (i in 0 until started) {
                jobs[i]!!.join()
                jobs[i] = null
            }
        }
        started = 0
        suspendedCount.set(0)
    }
}
