/**
 * Small helpers every other package of the implementation may use and that use none of them:
 * the leaf of the package graph.
 */
package dev.weft.fiber.impl.util;
