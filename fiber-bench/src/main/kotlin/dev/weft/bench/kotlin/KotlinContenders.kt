package dev.weft.bench.kotlin

import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CompletableJob
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
import kotlinx.coroutines.selects.select
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.locks.LockSupport
import kotlin.coroutines.cancellation.CancellationException
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

/**
 * The Kotlin contender of the channel benchmarks (`dev.weft.bench.channel`): long-lived
 * coroutines talking over Kotlin channels, driven in batches from a Java thread, the same
 * protocol as the Java side's `BatchRunner`. A *lead* coroutine runs one [batch] of messages
 * each time [run] asks; *partner* coroutines (an echo, producers) run until their channels are
 * cancelled. Everything is started once by the factory and stopped by [close].
 *
 * The coroutines run on `Dispatchers.Default` or, with `runBlocking` true, inside one
 * `runBlocking` call on a thread of their own: its single-threaded event loop, the cheapest way
 * to run Kotlin coroutines on one thread (a dispatcher over a one-thread executor would add a
 * `ThreadPoolExecutor` queue hand-off to every resumption). [run] hands the batch size to the
 * lead over a capacity-1 request channel (`trySend` never suspends; the event loop accepts
 * dispatches from other threads), then parks until the lead has counted the batch in
 * [completed] (volatile, written only by the lead) and unparked it.
 *
 * [close] *cancels* the channels rather than closing them: a Kotlin sender suspended at a close
 * still owns its cell and stays suspended until a receiver takes the item, which no one will;
 * a cancel resumes it with a `CancellationException`.
 */
abstract class KotlinChannelBatches protected constructor(runBlocking: Boolean) : AutoCloseable {
    /** The parent of every coroutine of this run; completed by [close]. */
    private val supervisor: CompletableJob

    /** The thread inside `runBlocking`, or null on `Dispatchers.Default`. */
    private val eventLoopThread: Thread?

    /** The scope every coroutine of this run is launched in. */
    protected val scope: CoroutineScope

    init {
        if (runBlocking) {
            val ready = CompletableFuture<Pair<CoroutineScope, CompletableJob>>()
            eventLoopThread = Thread({
                runBlocking {
                    val job = SupervisorJob(coroutineContext[Job])
                    ready.complete(Pair(CoroutineScope(coroutineContext + job), job))
                    job.join()
                }
            }, "kotlin-bench-run-blocking").apply {
                isDaemon = true
                start()
            }
            val (loopScope, job) = ready.get(10, TimeUnit.SECONDS)
            scope = loopScope
            supervisor = job
        } else {
            eventLoopThread = null
            supervisor = SupervisorJob()
            scope = CoroutineScope(supervisor + Dispatchers.Default)
        }
    }

    private val requests = Channel<Int>(1)

    @Volatile
    private var completed = 0L

    @Volatile
    private var failure: Throwable? = null

    @Volatile
    private var waiter: Thread? = null

    @Volatile
    private var stopping = false

    /** One batch of [messages] messages, run by the lead. */
    protected abstract suspend fun batch(messages: Int)

    /** The channels to cancel in [close]; that ends the partners. */
    protected abstract fun channels(): List<Channel<Int>>

    /** Launches a partner; the cancellation of its channels by [close] ends it quietly. */
    protected fun launchPartner(body: suspend () -> Unit) {
        scope.launch {
            try {
                body()
            } catch (c: CancellationException) {
                throw c
            } catch (t: Throwable) {
                fail(t)
            }
        }
    }

    /** Launches the lead; subclasses call it once, after launching their partners. */
    protected fun launchLead() {
        scope.launch {
            try {
                for (n in requests) {
                    batch(n)
                    completed = completed + 1
                    LockSupport.unpark(waiter)
                }
            } catch (c: CancellationException) {
                throw c
            } catch (t: Throwable) {
                fail(t)
            }
        }
    }

    private fun fail(t: Throwable) {
        if (!stopping && failure == null) {
            failure = t
        }
        waiter?.let { LockSupport.unpark(it) }
    }

    /**
     * Runs one batch of [messages] in the lead and waits for it. One Java thread at a time.
     * Returns [messages]; throws `IllegalStateException` if a coroutine failed.
     */
    @Throws(InterruptedException::class)
    fun run(messages: Int): Int {
        val target = completed + 1
        waiter = Thread.currentThread()
        check(requests.trySend(messages).isSuccess) { "the lead has not taken the previous batch" }
        while (completed < target) {
            failure?.let { throw IllegalStateException("a Kotlin contender coroutine failed", it) }
            if (Thread.interrupted()) {
                throw InterruptedException("interrupted waiting for a batch")
            }
            LockSupport.park(this)
        }
        return messages
    }

    /**
     * Closes the request channel (the lead's loop ends), cancels the data channels (the partners
     * end), and waits at most 10 s for every coroutine, and for the `runBlocking` thread, to end.
     */
    override fun close() {
        stopping = true
        requests.close()
        channels().forEach { it.cancel() }
        supervisor.complete()
        if (eventLoopThread != null) {
            eventLoopThread.join(10_000)
            check(!eventLoopThread.isAlive) { "the runBlocking event loop did not end within 10 s" }
        } else {
            runBlocking { withTimeout(10_000) { supervisor.join() } }
        }
    }

    companion object {
        /** One cached box, sent back and forth: sending it allocates nothing. */
        private const val ITEM = 1

        private fun channel(capacity: Int): Channel<Int> =
            if (capacity == 0) Channel(Channel.RENDEZVOUS) else Channel(capacity)

        /**
         * Ping-pong over two channels of [capacity] (0: rendezvous): the lead sends on `ping` and
         * waits on `pong`, the echo sends each item back. A batch of `messages` is `messages / 2`
         * round trips.
         */
        @JvmStatic
        fun pingPong(capacity: Int, runBlocking: Boolean): KotlinChannelBatches =
            object : KotlinChannelBatches(runBlocking) {
                private val ping = channel(capacity)
                private val pong = channel(capacity)

                init {
                    launchPartner { for (item in ping) pong.send(item) }
                    launchLead()
                }

                override suspend fun batch(messages: Int) {
                    var i = 0
                    while (i < messages) {
                        ping.send(ITEM)
                        pong.receive()
                        i += 2
                    }
                }

                override fun channels() = listOf(ping, pong)
            }

        /** One producer sending without end into a channel of [capacity]; the lead receives `messages` items per batch. */
        @JvmStatic
        fun throughput(capacity: Int, runBlocking: Boolean): KotlinChannelBatches =
            object : KotlinChannelBatches(runBlocking) {
                private val items = channel(capacity)

                init {
                    launchPartner { while (true) items.send(ITEM) }
                    launchLead()
                }

                override suspend fun batch(messages: Int) {
                    repeat(messages) { items.receive() }
                }

                override fun channels() = listOf(items)
            }

        /**
         * Two producers sending without end, each into its own channel of [capacity]; per batch
         * the lead runs `messages` two-clause `select { a.onReceive {}; b.onReceive {} }`.
         */
        @JvmStatic
        fun select(capacity: Int, runBlocking: Boolean): KotlinChannelBatches =
            object : KotlinChannelBatches(runBlocking) {
                private val a = channel(capacity)
                private val b = channel(capacity)

                init {
                    launchPartner { while (true) a.send(ITEM) }
                    launchPartner { while (true) b.send(ITEM) }
                    launchLead()
                }

                override suspend fun batch(messages: Int) {
                    repeat(messages) {
                        select<Int> {
                            a.onReceive { it }
                            b.onReceive { it }
                        }
                    }
                }

                override fun channels() = listOf(a, b)
            }
    }
}
