package io.hiertag.image;

import io.hiertag.model.ModelContract;

/**
 * A deliberate layering violation, an image class that reads the model contract, for the architecture test to
 * show that its rules catch one. Test code only: the rules themselves check the main classes.
 */
public final class LayeringViolationFixture {

    private LayeringViolationFixture() {
    }

    static int size(ModelContract contract) {
        return contract.image().size();
    }
}
