# want-note: not valid HCL
resource "aws_iam_access_key" "ci" {
  user = "ci"
