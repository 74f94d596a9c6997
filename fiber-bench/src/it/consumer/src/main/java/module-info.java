/** The consumer check as a modular application: Weft's jars are automatic modules. */
module dev.weft.it.consumer {
    requires dev.weft.fiber;
}
