/**
 * Test support shared by every module's tests, and by nothing else (the architecture test checks
 * that no production class depends on it): test bundles and goldens by name ({@link TestData}), a
 * Python for the reference scripts, inputs for the nan-on-red bundle ({@link NanBundleImages}).
 */
package org.pathlens.testkit;
