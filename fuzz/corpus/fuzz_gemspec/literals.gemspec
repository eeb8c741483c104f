Gem::Specification.new do |s|
 s.name = %q{x}
 s.version = "1\u00e9"
 s.licenses = [%q(A (B)), "#{x}"]
 s.platform = "java"
end
