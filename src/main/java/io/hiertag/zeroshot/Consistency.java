package io.hiertag.zeroshot;

/**
 * The self-consistency evidence for one image.
 *
 * @param textAgreement the class-name, all-template, first-half and second-half classifiers agree
 * @param flipAgreement the left-right flipped image gets the same class-name prediction (true when the flip check
 *     is off)
 * @param templateAgreement S_T: the fraction of single-template classifiers that agree with the class name
 * @param uncertain whether the image goes to hierarchy rescoring
 */
public record Consistency(boolean textAgreement, boolean flipAgreement, float templateAgreement,
        boolean uncertain) {
}
